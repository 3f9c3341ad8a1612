"""Benchmarks run against the real local system (not tests: pytest never collects this package)."""
