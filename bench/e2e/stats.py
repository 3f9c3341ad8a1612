"""Percentiles and the open-loop schedule shared by the measured phase and the raw Kafka baseline."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

PROGRESS_EVERY_S = 2.0


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (q in 0..100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class Summary:
    """Percentiles in milliseconds."""

    count: int
    p50: float
    p95: float
    p99: float
    max: float

    @classmethod
    def of_seconds(cls, values_s: Iterable[float]) -> Summary:
        ms = sorted(v * 1000 for v in values_s)
        top = ms[-1] if ms else math.nan
        return cls(len(ms), percentile(ms, 50), percentile(ms, 95), percentile(ms, 99), top)


def achieved_rate(sent_at: list[float]) -> float:
    """Requests per second between the first and the last send."""
    span = max(sent_at) - min(sent_at) if len(sent_at) > 1 else 0
    return (len(sent_at) - 1) / span if span > 0 else math.nan


def open_loop(
    count: int, rate: float, submit: Callable[[int, float], None], tick: Callable[[int], None]
) -> float:
    """Call `submit(i, scheduled_at)` at t0 + i/rate from this thread; returns t0.

    A call that takes longer than 1/rate delays the next ones (the caller reports that slip); the
    schedule itself never shifts, so the calls after it catch up. `tick(i)` is called about every
    PROGRESS_EVERY_S for progress output. (The changes use `changes.Changer.open_loop` instead,
    which never waits for a response.)
    """
    t0 = time.monotonic() + 0.05
    next_tick = t0 + PROGRESS_EVERY_S
    for i in range(count):
        scheduled = t0 + i / rate
        delay = scheduled - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        submit(i, scheduled)
        if time.monotonic() >= next_tick:
            tick(i + 1)
            next_tick += PROGRESS_EVERY_S
    return t0
