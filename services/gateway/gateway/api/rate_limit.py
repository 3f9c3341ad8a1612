"""Per-client rate limits: a token bucket per API client, answering 429 with `Retry-After`.

In-process: the buckets live in the gateway process's memory, which is exact for one gateway process.
With several replicas each holds its own buckets (a client could get up to N times the rate); a shared
store (PostgreSQL or Redis) would be needed then.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable
from typing import Annotated

from fastapi import Depends, Request

from gateway.api.security import current_principal
from gateway.service_layer.access import Principal
from shared.problems import Problem

MAX_IDLE_BUCKETS = 10_000


class TokenBucketLimiter:
    """``rate_per_s`` tokens a second into a bucket of ``burst``; each request takes one."""

    def __init__(self, rate_per_s: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._clock = clock
        self._buckets: dict[Hashable, tuple[float, float]] = {}  # client -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, client_id: Hashable) -> float:
        """0 when the request may proceed; otherwise the seconds until a token is available."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(client_id, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate_per_s)
            if tokens >= 1:
                self._buckets[client_id] = (tokens - 1, now)
                self._forget_full_buckets(now)
                return 0.0
            self._buckets[client_id] = (tokens, now)
            return (1 - tokens) / self.rate_per_s

    def _forget_full_buckets(self, now: float) -> None:
        # A bucket that has refilled is the same as no bucket: drop those to bound memory.
        if len(self._buckets) > MAX_IDLE_BUCKETS:
            full_after = self.burst / self.rate_per_s
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}


def rate_limited(request: Request, principal: Annotated[Principal, Depends(current_principal)]) -> None:
    """Route dependency: 429 with Retry-After (whole seconds) when the client's bucket is empty."""
    _take(request.app.state.rate_limiter, principal.client_id, "This client")


def public_rate_limited(request: Request) -> None:
    """For unauthenticated routes (verification): one bucket per client address."""
    address = request.client.host if request.client else "unknown"
    _take(request.app.state.public_rate_limiter, address, "This address")


def _take(limiter: TokenBucketLimiter, key: Hashable, who: str) -> None:
    wait_s = limiter.take(key)
    if wait_s > 0:
        window_s = max(1, math.ceil(limiter.burst / limiter.rate_per_s))
        raise Problem(
            429,
            "Too many requests",
            f"{who} may send {limiter.rate_per_s:g} requests a second (bursts of {limiter.burst}).",
            headers={
                "Retry-After": str(max(1, math.ceil(wait_s))),
                "RateLimit-Policy": f'"burst";q={limiter.burst};w={window_s}',
            },
        )
