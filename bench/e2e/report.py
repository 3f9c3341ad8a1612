"""The printed report and the JSON figures."""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

from bench.e2e.raw_kafka import RawResult
from bench.e2e.runner import E2EResult
from bench.e2e.stats import Summary

TARGET_P99_MS = 250.0
TARGET_RATE = 100.0
WIDTH = 46


def _row(label: str, s: Summary) -> str:
    return f"  {label:<{WIDTH}} {s.p50:8.1f} {s.p95:8.1f} {s.p99:8.1f} {s.max:8.1f}"


def _verdict(e2e: E2EResult) -> str:
    met = e2e.latency.p99 < TARGET_P99_MS and e2e.missing_webhooks == 0 and e2e.errors == 0
    if e2e.rate_target >= TARGET_RATE:
        return "MET" if met else "NOT MET"
    under = "p99 under" if met else "p99 NOT under"
    return f"{under} {TARGET_P99_MS:.0f} ms, but offered {e2e.rate_target:g}/s, below the target rate"


def _head(e2e: E2EResult, machine: str) -> list[str]:
    return [
        "",
        "greenchain bench/e2e_latency — performance report's API response → score.changed webhook arrival",
        "",
        f"  machine                        {machine}",
        f"  changes (N)                    {e2e.changes}"
        f"  ({e2e.errors} failed, {e2e.missing_webhooks} webhooks missing)",
        f"  rate target / achieved         {e2e.rate_target:g}/s / {e2e.rate_achieved:.1f}/s"
        f"  (schedule slip max {e2e.schedule_slip_max_ms:.1f} ms)",
        f"  throughput                     {e2e.throughput:.1f} webhooks/s"
        "  (webhooks / (last webhook - first request))",
        "",
        f"  {'latency (ms)':<{WIDTH}} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}",
        _row(f"ours: API response → webhook (n={e2e.latency.count})", e2e.latency),
        _row(f"(API request → response, n={e2e.api_response.count})", e2e.api_response),
    ]


def _raw(e2e: E2EResult, raw: RawResult) -> list[str]:
    return [
        _row(f"raw Kafka produce → consume (n={raw.latency.count})", raw.latency),
        f"  (raw: {raw.messages} messages at {raw.rate_achieved:.1f}/s, {raw.missing} missing,"
        f" schedule slip max {raw.schedule_slip_max_ms:.1f} ms)",
        "",
        f"  ratio ours/raw                 p50 {e2e.latency.p50 / raw.latency.p50:.1f}x"
        f"   p99 {e2e.latency.p99 / raw.latency.p99:.1f}x",
    ]


def report(
    e2e: E2EResult,
    raw: RawResult | None,
    stages: list[tuple[str, Summary]] | None,
    *,
    machine: str,
    event_counts: dict[str, int] | None = None,
) -> str:
    lines = _head(e2e, machine) + (_raw(e2e, raw) if raw is not None else [])
    lines += [
        "",
        f"  target p99 < {TARGET_P99_MS:.0f} ms at {TARGET_RATE:.0f} changes/s:  {_verdict(e2e)}"
        f"  (p99 = {e2e.latency.p99:.1f} ms)",
    ]
    if e2e.schedule_slip_max_ms > 100:
        lines.append(
            f"  note: requests started up to {e2e.schedule_slip_max_ms:.0f} ms late (this process was"
            " starved of CPU), so the offered rate was not held exactly"
        )
    if e2e.first_error:
        lines.append(f"  first error: {e2e.first_error}")
    if stages:
        heading = "where the time goes (ms, from service timestamps)"
        lines += ["", f"  {heading:<{WIDTH}} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}"]
        lines += [_row(label, summary) for label, summary in stages]
    if event_counts:
        counted = ", ".join(f"{kind} {n}" for kind, n in event_counts.items())
        lines += ["", f"  scoring events published (whole run, setup included): {counted}"]
    if e2e.cpu:
        heading = f"CPU (cores of {os.cpu_count()}; load: first request to last webhook)"
        lines += ["", f"  {heading:<{WIDTH}} {'idle':>8} {'load':>8} {'ms/change':>10}"]
        lines += [
            f"  {r.part:<{WIDTH}} {r.idle_cores:8.2f} {r.load_cores:8.2f} {r.ms_per_change:10.1f}"
            for r in e2e.cpu
        ]
    return "\n".join(lines) + "\n"


def figures(
    e2e: E2EResult,
    raw: RawResult | None,
    stages: list[tuple[str, Summary]] | None,
    event_counts: dict[str, int] | None,
) -> dict[str, Any]:
    """The report's figures as JSON-ready data (to compare runs)."""
    return {
        "e2e": {k: v for k, v in asdict(e2e).items() if k != "measured"},
        "raw_kafka": asdict(raw) if raw else None,
        "stages": {label: asdict(summary) for label, summary in stages} if stages else None,
        "scoring_events": event_counts,
    }
