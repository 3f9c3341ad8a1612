"""bench/e2e_latency: how long after a compliance change's API response does the buyer's webhook arrive?

Starts the whole local system (PostgreSQL, Kafka and every service process, exactly as `greenchain up`
and the test session do). Setup, not measured: the platform admin registers N suppliers, a buyer adds
them to its supply base and subscribes a local webhook receiver to score.changed, and the run waits
until their first (Unrated) scorecards exist and are fanned out. Then, at a steady offered rate (open
loop: request i is sent at t0 + i/rate, whatever earlier requests are doing), the platform admin
reports one year of performance figures per supplier (`PUT /v1/suppliers/{id}/performance/{year}`),
which gives the year its first score. For each change it measures

    latency = the score.changed webhook's arrival at the local receiver - the gateway's 200 response

(both `time.monotonic()` in this process) and reports p50, p95, p99, max and throughput. In the same run,
on the same broker, it measures a raw kafka-python produce→consume round trip at the same rate and
prints our p50/p99 as a ratio to it. Finally it reads the services' own timestamps (outbox, processed
events, delivery attempts) to show where the time goes, stage by stage.

Target for later issues: p99 under 250 ms at 100 changes/s on the 2-core development machine.

Run (from the repository root; ~30 s to start the stack, the setup, then N/rate seconds):

    uv run python bench/e2e_latency.py                      # 500 changes at 100/s, 500 raw messages
    uv run python bench/e2e_latency.py --rate 50 --count 500
    uv run python -m bench.e2e_latency --rate 20 --count 300

This is a benchmark, not a test: pytest never collects it (see bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.e2e.cpu import machine_busy_cores
from bench.e2e.raw_kafka import RawResult, run_raw_kafka
from bench.e2e.report import figures, report
from bench.e2e.runner import E2EResult, run_e2e
from bench.e2e.stages import scoring_event_counts, stage_breakdown
from bench.e2e.stats import Summary, progress
from launcher.receiver import WebhookReceiver
from launcher.stack import Ports, Stack, StackConfig

NO_LIMIT = "100000"  # per-client requests/s and burst: the benchmark measures latency, not the limiter
# The test session's settings (conftest.py): webhooks to loopback over http, fast retries.
GATEWAY_ENV = {
    "WEBHOOK_ALLOW_HTTP": "true",
    "WEBHOOK_ALLOWED_NETWORKS": json.dumps(["127.0.0.0/8"]),
    "WEBHOOK_ANY_PORT": "true",
    "DELIVERY_RETRY_SCHEDULE_S": json.dumps([0, 0.5, 1, 2]),
    "RATE_LIMIT_PER_S": NO_LIMIT,
    "RATE_LIMIT_BURST": NO_LIMIT,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/e2e_latency.py", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    add = parser.add_argument
    add("--count", "--suppliers", type=int, default=500, help="measured changes, one per supplier (500)")
    add("--rate", type=float, default=100.0, help="changes (and raw messages) per second (default 100)")
    add("--raw-messages", type=int, default=500, help="raw Kafka round trips; 0 skips them (default 500)")
    add("--warmup", type=int, default=10, help="unmeasured changes and raw messages first (default 10)")
    add("--drain-timeout", type=float, default=180.0, help="seconds to wait for setup or webhooks (180)")
    add("--log-level", default="INFO", help="the services' log level (default INFO, as `greenchain up`)")
    add("--no-breakdown", action="store_true", help="skip the per-stage breakdown")
    add("--json", type=Path, help="also write the figures to this JSON file")
    add("--keep-run-dir", action="store_true", help="keep the stack's data and logs after the run")
    args = parser.parse_args(argv)
    if args.count < 1 or args.rate <= 0 or args.raw_messages < 0 or args.warmup < 0:
        parser.error("--count must be >= 1, --rate > 0, --raw-messages and --warmup >= 0")
    return args


def _interrupt_on_sigterm() -> None:
    def handler(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


@dataclass
class Measured:
    e2e: E2EResult
    raw: RawResult | None
    stages: list[tuple[str, Summary]] | None
    event_counts: dict[str, int]


def measure(
    stack: Stack, receiver: WebhookReceiver, args: argparse.Namespace, wall_offset: float
) -> Measured:
    """Start the stack, run ours, then the raw baseline on the same broker, then read the breakdown."""
    progress(f"starting the stack in {stack.config.run_dir} (PostgreSQL, Kafka, service processes; ~30 s)...")
    started = time.monotonic()
    stack.start()
    progress(f"stack ready in {time.monotonic() - started:.1f} s")
    e2e = run_e2e(stack, receiver, args)
    raw = None
    if args.raw_messages:
        raw = run_raw_kafka(
            stack.kafka.bootstrap_servers, args.raw_messages, args.rate,
            warmup=args.warmup, timeout_s=args.drain_timeout,
        )  # fmt: skip
    stages = None
    if not args.no_breakdown:
        progress("reading the services' timestamps for the breakdown...")
        stages = stage_breakdown(stack, e2e.measured, e2e.subscription_id, wall_offset)
    if dead := stack.dead_processes():
        progress(f"warning: service processes died: {', '.join(dead)}; see {stack.logs_dir}")
    return Measured(e2e, raw, stages, scoring_event_counts(stack))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _interrupt_on_sigterm()
    wall_offset = time.time() - time.monotonic()
    busy_before = machine_busy_cores()
    if busy_before > 0.2:
        progress(
            f"warning: {busy_before:.2f} cores already busy before starting; other work will skew the figures"
        )
    run_dir = Path(tempfile.mkdtemp(prefix="greenchain-bench-"))
    receiver = WebhookReceiver().start()
    stack = Stack(
        StackConfig(run_dir=run_dir, ports=Ports.free(), gateway_env=GATEWAY_ENV, log_level=args.log_level)
    )
    try:
        measured = measure(stack, receiver, args, wall_offset)
    except KeyboardInterrupt:
        progress("interrupted; stopping the stack...")
        return 130
    finally:
        progress("stopping the stack...")
        stack.stop()
        receiver.stop()
        if args.keep_run_dir:
            progress(f"kept data and logs in {run_dir}")
        else:
            shutil.rmtree(run_dir, ignore_errors=True)

    machine = f"{os.cpu_count()} CPUs, {busy_before:.2f} cores busy just before the stack started"
    e2e, raw, stages, counts = measured.e2e, measured.raw, measured.stages, measured.event_counts
    print(report(e2e, raw, stages, machine=machine, event_counts=counts), flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures(e2e, raw, stages, counts), indent=2))
    return 0 if e2e.errors == 0 and e2e.missing_webhooks == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
