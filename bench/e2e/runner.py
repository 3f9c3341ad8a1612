"""The measured run on a started stack: setup, warm-up, idle CPU, then the changes at the offered rate."""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from bench.e2e.changes import Arrivals, Change, Changer
from bench.e2e.cpu import CpuMeter, CpuRow, cpu_table
from bench.e2e.setup_phase import Prepared, prepare
from bench.e2e.stats import Summary, achieved_rate, progress
from launcher.receiver import WebhookReceiver
from launcher.stack import Stack
from launcher.tenants import Tenants

IDLE_WINDOW_S = 3.0


@dataclass
class E2EResult:
    changes: int
    rate_target: float
    rate_achieved: float
    schedule_slip_max_ms: float
    errors: int
    first_error: str | None
    missing_webhooks: int
    api_response: Summary  # request sent → 200 received
    latency: Summary  # 200 received → webhook arrived
    throughput: float  # webhooks / (last webhook arrival - first request sent)
    cpu: list[CpuRow]
    subscription_id: str
    measured: list[tuple[str, float, float]]  # (supplier id, responded, webhook arrived), monotonic


def warm_up(changer: Changer, webhooks: Arrivals, supplier_ids: list[str], timeout_s: float) -> None:
    progress(f"warm-up: {len(supplier_ids)} changes one by one (not measured)...")
    warm = changer.one_by_one(supplier_ids)
    failed = [w.error for w in warm if w.error]
    if failed:
        raise RuntimeError(f"warm-up change failed: {failed[0]}")
    got = webhooks.wait_for(set(supplier_ids), timeout_s)
    if len(got) < len(warm):
        raise RuntimeError(f"warm-up: {len(got)}/{len(warm)} webhooks in {timeout_s} s")


def idle_cpu(meter: CpuMeter) -> tuple[dict[str, float], float]:
    progress(f"measuring the idle stack's CPU for {IDLE_WINDOW_S:.0f} s...")
    start = meter.snapshot()
    time.sleep(IDLE_WINDOW_S)
    return CpuMeter.cpu_seconds(start, meter.snapshot())


def run_e2e(stack: Stack, receiver: WebhookReceiver, args: argparse.Namespace) -> E2EResult:
    year = datetime.now(UTC).year  # the year the first (Unrated) scorecard is for
    with httpx.Client(base_url=stack.url("gateway"), timeout=30) as http:
        tenants = Tenants(stack.database_url("gateway"), http)
        try:
            prepared = prepare(stack, receiver, tenants, args.warmup + args.count, args.drain_timeout)
            return _measure(stack, receiver, args, prepared, year)
        finally:
            tenants.close()


def _measure(
    stack: Stack, receiver: WebhookReceiver, args: argparse.Namespace, prepared: Prepared, year: int
) -> E2EResult:
    meter = CpuMeter(stack)
    webhooks = Arrivals(receiver, year)
    warm_ids, ids = prepared.supplier_ids[: args.warmup], prepared.supplier_ids[args.warmup :]
    if warm_ids:
        warm_up(
            Changer(stack.url("gateway"), prepared.platform.headers, year),
            webhooks,
            warm_ids,
            args.drain_timeout,
        )
    cpu_idle = idle_cpu(meter)
    # A fresh token: the setup may have taken a while, and none may expire during the load.
    changer = Changer(stack.url("gateway"), prepared.platform.headers, year)
    progress(f"changing {len(ids)} suppliers at {args.rate:g}/s, open loop ({len(ids) / args.rate:.0f} s)")
    before = len(receiver.received)
    cpu_start = meter.snapshot()

    def tick(submitted: int) -> None:
        answered, delivered = len(changer.results), len(receiver.received) - before
        progress(f"  sent {submitted}/{len(ids)}, answered {answered}, webhooks {delivered}")

    results = sorted(changer.open_loop(ids, args.rate, tick), key=lambda r: r.index)
    ok = [r for r in results if r.error is None]
    progress(
        f"all {len(results)} requests answered ({len(results) - len(ok)} failed); waiting for the webhooks..."
    )
    webhook_at = webhooks.wait_for({r.supplier_id for r in ok}, args.drain_timeout)
    cpu_load = CpuMeter.cpu_seconds(cpu_start, meter.snapshot())
    return _result(
        args.rate, results, ok, webhook_at, cpu_table(cpu_idle, cpu_load, len(webhook_at)), prepared
    )


def _result(
    rate: float,
    results: list[Change],
    ok: list[Change],
    webhook_at: dict[str, float],
    cpu: list[CpuRow],
    prepared: Prepared,
) -> E2EResult:
    measured = [r for r in ok if r.supplier_id in webhook_at]
    errors = [r for r in results if r.error]
    sends = [r.sent for r in results]
    last_webhook = max(webhook_at.values(), default=math.nan)
    return E2EResult(
        changes=len(results),
        rate_target=rate,
        rate_achieved=achieved_rate(sends),
        schedule_slip_max_ms=max((r.sent - r.scheduled) * 1000 for r in results) if results else math.nan,
        errors=len(errors),
        first_error=errors[0].error if errors else None,
        missing_webhooks=len(ok) - len(measured),
        api_response=Summary.of_seconds(r.responded - r.sent for r in ok),
        latency=Summary.of_seconds(webhook_at[r.supplier_id] - r.responded for r in measured),
        throughput=len(measured) / (last_webhook - min(sends)) if measured else 0.0,
        cpu=cpu,
        subscription_id=prepared.subscription_id,
        measured=[(r.supplier_id, r.responded, webhook_at[r.supplier_id]) for r in measured],
    )
