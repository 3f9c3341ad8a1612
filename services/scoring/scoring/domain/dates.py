"""Calendar arithmetic for freshness, expiry and review dates."""

from __future__ import annotations

import calendar
from datetime import date
from functools import lru_cache


# Cached: a population shares a handful of period ends and issue dates, and this runs per criterion.
@lru_cache(maxsize=16_384)
def add_months(start: date, months: int) -> date:
    """``start`` moved by whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


def older_than(then: date, months: int, *, on: date) -> bool:
    """True when more than ``months`` whole months separate ``then`` from ``on``."""
    return on > add_months(then, months)
