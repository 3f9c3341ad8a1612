"""bench/e2e: the parts of the end-to-end latency benchmark (entry point: bench/e2e_latency.py)."""
