from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.delivery.schedule import (
    DEFAULT_DELAYS_S,
    Outcome,
    RetrySchedule,
    classify,
    parse_retry_after,
    should_disable_for_failures,
)
from gateway.delivery.ssrf import UnsafeUrl

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NO_JITTER = RetrySchedule(rand=lambda: 0.5)


def test_default_schedule_is_svix_eight_attempts() -> None:
    assert DEFAULT_DELAYS_S == (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
    delays = [NO_JITTER.next_attempt_at(n, NOW) for n in range(8)]
    assert [(d - NOW).total_seconds() for d in delays if d] == list(DEFAULT_DELAYS_S)
    assert NO_JITTER.next_attempt_at(8, NOW) is None
    assert NO_JITTER.max_attempts == 8


def test_whole_schedule_spans_27h35m5s() -> None:
    at = NOW
    for failed in range(1, 8):
        nxt = NO_JITTER.next_attempt_at(failed, at)
        assert nxt is not None
        at = nxt
    assert at - NOW == timedelta(hours=27, minutes=35, seconds=5)


@pytest.mark.parametrize(("rand", "factor"), [(0.0, 0.9), (0.5, 1.0), (0.75, 1.05)])
def test_jitter_is_plus_minus_ten_percent(rand: float, factor: float) -> None:
    schedule = RetrySchedule(rand=lambda: rand)
    at = schedule.next_attempt_at(2, NOW)
    assert at is not None
    assert (at - NOW).total_seconds() == pytest.approx(300 * factor)


@given(attempt=st.integers(0, 7), rand=st.floats(0, 1, exclude_max=True))
def test_jittered_delay_stays_within_bounds(attempt: int, rand: float) -> None:
    at = RetrySchedule(rand=lambda: rand).next_attempt_at(attempt, NOW)
    assert at is not None
    base = DEFAULT_DELAYS_S[attempt]
    assert base * 0.9 - 1e-6 <= (at - NOW).total_seconds() <= base * 1.1 + 1e-6


def test_schedule_is_configurable() -> None:
    schedule = RetrySchedule(delays_s=[0, 0.1, 0.2], jitter=0)
    assert schedule.delays_s == (0, 0.1, 0.2)
    assert schedule.next_attempt_at(2, NOW) == NOW + timedelta(seconds=0.2)
    assert schedule.next_attempt_at(3, NOW) is None


@pytest.mark.parametrize(
    "kwargs",
    [{"delays_s": []}, {"delays_s": [0, -1]}, {"jitter": 1.0}, {"jitter": -0.1}, {"max_retry_after_s": -1}],
)
def test_invalid_schedules_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must"):
        RetrySchedule(**kwargs)  # type: ignore[arg-type]


def test_retry_after_later_than_schedule_wins() -> None:
    assert NO_JITTER.next_attempt_at(1, NOW, retry_after="60") == NOW + timedelta(seconds=60)


def test_retry_after_earlier_than_schedule_is_ignored() -> None:
    assert NO_JITTER.next_attempt_at(2, NOW, retry_after="60") == NOW + timedelta(minutes=5)


def test_retry_after_as_http_date() -> None:
    header = format_datetime(NOW + timedelta(hours=1), usegmt=True)
    assert NO_JITTER.next_attempt_at(1, NOW, retry_after=header) == NOW + timedelta(hours=1)


def test_retry_after_is_capped() -> None:
    schedule = RetrySchedule(rand=lambda: 0.5, max_retry_after_s=3600)
    assert schedule.next_attempt_at(1, NOW, retry_after="999999999") == NOW + timedelta(hours=1)
    assert schedule.next_attempt_at(1, NOW, retry_after="9" * 400) == NOW + timedelta(hours=1)


def test_invalid_retry_after_falls_back_to_schedule() -> None:
    assert NO_JITTER.next_attempt_at(1, NOW, retry_after="soon") == NOW + timedelta(seconds=5)


def test_exhausted_attempts_ignore_retry_after() -> None:
    assert NO_JITTER.next_attempt_at(8, NOW, retry_after="10") is None


@given(
    attempt=st.integers(0, 7),
    rand=st.floats(0, 1, exclude_max=True),
    retry_after=st.one_of(st.none(), st.integers(0, 10**7).map(str)),
)
def test_next_attempt_never_before_schedule_nor_after_cap(
    attempt: int, rand: float, retry_after: str | None
) -> None:
    schedule = RetrySchedule(rand=lambda: rand)
    at = schedule.next_attempt_at(attempt, NOW, retry_after=retry_after)
    assert at is not None
    base = DEFAULT_DELAYS_S[attempt]
    waited = (at - NOW).total_seconds()
    assert waited >= base * 0.9 - 1e-6
    assert waited <= max(base * 1.1, schedule.max_retry_after_s) + 1e-6


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        NO_JITTER.next_attempt_at(1, datetime(2026, 3, 1))
    with pytest.raises(ValueError, match="negative"):
        NO_JITTER.next_attempt_at(-1, NOW)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Sun, 01 Mar 2026 12:02:00 GMT", 120.0),
        ("Sunday, 01-Mar-26 12:02:00 GMT", 120.0),  # obsolete RFC 850 form
        ("Sun Mar  1 12:02:00 2026", 120.0),  # obsolete asctime form
        ("Sun, 01 Mar 2026 11:00:00 GMT", 0.0),  # in the past
        ("Sun, 01 Mar 2026 12:02:00 -0000", 120.0),
        ("-5", None),
        ("1.5", None),
        ("", None),
        ("tomorrow", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_parse_retry_after_with_non_utc_now() -> None:
    plus_two = NOW.astimezone(timezone(timedelta(hours=2)))
    assert parse_retry_after("Sun, 01 Mar 2026 12:02:00 GMT", plus_two) == 120.0


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_2xx_is_success(status: int) -> None:
    assert classify(httpx.Response(status)) is Outcome.SUCCESS


def test_410_disables_the_endpoint() -> None:
    assert classify(httpx.Response(410)) is Outcome.DISABLE


@pytest.mark.parametrize(
    "status", [100, 301, 302, 304, 307, 400, 401, 404, 408, 413, 429, 500, 502, 503, 504]
)
def test_other_statuses_retry(status: int) -> None:
    assert classify(httpx.Response(status)) is Outcome.RETRY


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectTimeout("t"),
        httpx.ReadTimeout("t"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("reset"),
        UnsafeUrl("resolves to 10.0.0.1"),
    ],
)
def test_errors_retry(error: Exception) -> None:
    assert classify(error) is Outcome.RETRY


def test_disable_after_failure_window() -> None:
    window = timedelta(days=5)
    assert not should_disable_for_failures(None, NOW)
    assert not should_disable_for_failures(NOW - window + timedelta(seconds=1), NOW)
    assert should_disable_for_failures(NOW - window, NOW)
    assert should_disable_for_failures(NOW - timedelta(hours=2), NOW, window=timedelta(hours=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        should_disable_for_failures(datetime(2026, 1, 1), NOW)
