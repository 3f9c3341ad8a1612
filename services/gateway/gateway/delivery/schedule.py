"""When to retry a webhook delivery, and what a delivery attempt's result means.

The default schedule is Svix's: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts,
each delay counted from the failure of the previous attempt), with +/-10 % jitter so that
endpoints recovering from an outage are not hit by every retry at once.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum

import httpx

DEFAULT_DELAYS_S: tuple[float, ...] = (0, 5, 300, 1_800, 7_200, 18_000, 36_000, 36_000)
DEFAULT_MAX_RETRY_AFTER_S = 24 * 3600.0
DEFAULT_DISABLE_AFTER = timedelta(days=5)

_DELTA_SECONDS = re.compile(r"[0-9]+")


class Outcome(StrEnum):
    SUCCESS = "success"
    RETRY = "retry"
    DISABLE = "disable"  # the receiver said 410 Gone: stop sending to this endpoint


@dataclass(frozen=True)
class RetrySchedule:
    """A retry schedule. `delays_s[i]` is the delay before attempt i + 1 (so `delays_s[0]` is
    the delay of the first attempt, normally 0); its length is the number of attempts.
    `rand` returns floats in [0, 1) and is injectable so tests can pin the jitter.
    """

    delays_s: Sequence[float] = DEFAULT_DELAYS_S
    jitter: float = 0.1
    max_retry_after_s: float = DEFAULT_MAX_RETRY_AFTER_S
    rand: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "delays_s", tuple(self.delays_s))  # accept lists from config
        if not self.delays_s or any(d < 0 for d in self.delays_s):
            raise ValueError("delays_s must be a non-empty list of non-negative seconds")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")
        if self.max_retry_after_s < 0:
            raise ValueError("max_retry_after_s must not be negative")

    @property
    def max_attempts(self) -> int:
        return len(self.delays_s)

    def next_attempt_at(
        self, attempt_number: int, now: datetime, retry_after: str | None = None
    ) -> datetime | None:
        """When to make the attempt after attempt `attempt_number` (1-based) failed at `now`.

        `attempt_number=0` gives the first attempt's time. Returns None once all attempts are
        used up. A `Retry-After` value (delta-seconds or HTTP-date) later than the scheduled time
        wins, capped at `max_retry_after_s` from `now`; it never makes the retry earlier.
        """
        _require_aware(now)
        if attempt_number < 0:
            raise ValueError("attempt_number must not be negative")
        if attempt_number >= self.max_attempts:
            return None
        scheduled = now + timedelta(seconds=self._jittered(self.delays_s[attempt_number]))
        wait_s = parse_retry_after(retry_after, now)
        if wait_s is None:
            return scheduled
        return max(scheduled, now + timedelta(seconds=min(wait_s, self.max_retry_after_s)))

    def _jittered(self, delay_s: float) -> float:
        return delay_s * (1 + self.jitter * (2 * self.rand() - 1))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait according to a Retry-After header value, or None if absent or invalid.

    Accepts delta-seconds (`120`) and HTTP-dates (`Wed, 21 Oct 2015 07:28:00 GMT`); a date in
    the past gives 0.
    """
    _require_aware(now)
    if value is None:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" means UTC with unknown local zone (RFC 5322)
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def classify(result: httpx.Response | Exception) -> Outcome:
    """Map a delivery attempt's response or exception to what to do next.

    Only 2xx is success; 410 Gone disables the endpoint; every other status (3xx included,
    since redirects are not followed), timeouts, connection errors and refused addresses retry.
    """
    if isinstance(result, Exception):
        return Outcome.RETRY
    if result.is_success:
        return Outcome.SUCCESS
    if result.status_code == httpx.codes.GONE:
        return Outcome.DISABLE
    return Outcome.RETRY


def should_disable_for_failures(
    first_failure_at: datetime | None, now: datetime, window: timedelta = DEFAULT_DISABLE_AFTER
) -> bool:
    """True when an endpoint has failed continuously for at least `window` (default 5 days).

    `first_failure_at` is the start of the current run of failures (None after a success).
    """
    if first_failure_at is None:
        return False
    _require_aware(first_failure_at)
    _require_aware(now)
    return now - first_failure_at >= window


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must be timezone-aware (UTC)")
