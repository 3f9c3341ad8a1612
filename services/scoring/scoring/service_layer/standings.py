"""Read-side queries of a year's standings: ranking, distribution, green list."""

from __future__ import annotations

import base64
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, func, or_, select

from scoring.adapters import rankings
from scoring.adapters.tables.green_lists import green_list_entries, green_lists
from scoring.adapters.tables.scorecards import scorecards
from scoring.domain.scorecard import quantise


class YearNotScored(LookupError):
    def __init__(self, year: int, industry: str | None = None) -> None:
        where = f" in industry {industry}" if industry else ""
        super().__init__(f"No supplier is ranked for {year}{where}.")


class GreenListNotFound(LookupError):
    def __init__(self, year: int) -> None:
        super().__init__(
            f"The green list for {year} has not been fixed yet (run `scoring rescore --year {year}`)."
        )


class InvalidCursor(ValueError):
    def __init__(self) -> None:
        super().__init__("The cursor is not one this API returned.")
        self.extensions = {"errors": [{"pointer": "#/query/cursor", "detail": "unknown or damaged cursor"}]}


def encode_cursor(total: Decimal, supplier_id: UUID) -> str:
    return base64.urlsafe_b64encode(f"{total}|{supplier_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[Decimal, UUID]:
    try:
        total, supplier_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return Decimal(total), UUID(supplier_id)
    except (ValueError, InvalidOperation, UnicodeDecodeError):
        raise InvalidCursor() from None


def ranking(
    *, year: int, industry: str | None, limit: int, cursor: str | None, engine: Engine
) -> dict[str, Any]:
    """One page of the year's ranking, best first; keyset-paginated on (total desc, supplier id)."""
    s = scorecards
    where = [s.c.year == year, s.c.ranked] + ([s.c.industry == industry] if industry else [])
    if cursor is not None:
        total, supplier_id = decode_cursor(cursor)
        where.append(or_(s.c.total < total, (s.c.total == total) & (s.c.supplier_id > supplier_id)))
    grade = s.c.industry_grade if industry else s.c.grade
    query = select(s.c.supplier_id, s.c.industry, s.c.total.label("score"), s.c.band, grade.label("grade"))
    with engine.connect() as conn:
        size = rankings.size(conn, year, industry)
        if size == 0:
            raise YearNotScored(year, industry)
        rows = conn.execute(
            query.where(*where).order_by(s.c.total.desc(), s.c.supplier_id).limit(limit + 1)
        ).mappings()
        items = [dict(row) for row in rows]
        more = len(items) > limit
        items = items[:limit]
        _add_places(conn, year, industry, size, items)
    last = items[-1] if more else None
    next_cursor = encode_cursor(last["score"], last["supplier_id"]) if last else None
    return {"year": year, "industry": industry, "size": size, "items": items, "next_cursor": next_cursor}


def _add_places(
    conn: Connection, year: int, industry: str | None, size: int, items: list[dict[str, Any]]
) -> None:
    """Rank and percentile of each item on a page sorted best first, from three counts.

    rank = 1 + how many are above; below = size - how many are at or above. Within the page
    each distinct total's "above" is the previous total's "at or above"; only the first total
    (ties may precede the page) and the last (ties may follow it) need counting.
    """
    if not items:
        return
    totals = sorted({item["score"] for item in items}, reverse=True)
    on_page = Counter(item["score"] for item in items)
    higher = rankings.above(conn, year, industry, totals[0], inclusive=False)
    places: dict[Decimal, tuple[int, int]] = {}
    for index, total in enumerate(totals):
        if index in (0, len(totals) - 1):
            at_least = rankings.above(conn, year, industry, total, inclusive=True)
        else:
            at_least = higher + on_page[total]
        places[total] = (higher + 1, size - at_least)
        higher = at_least
    for item in items:
        rank, below = places[item["score"]]
        item["rank"] = rank
        item["percentile"] = quantise(rankings.HUNDRED * below / size)


def distribution(*, year: int, industry: str | None, engine: Engine) -> dict[str, Any]:
    """How many suppliers hold each grade and each band in the year (within an industry if given)."""
    s = scorecards
    where = [s.c.year == year] + ([s.c.industry == industry] if industry else [])
    grade = s.c.industry_grade if industry else s.c.grade
    with engine.connect() as conn:
        bands: dict[str, int] = dict(
            conn.execute(select(s.c.band, func.count()).where(*where).group_by(s.c.band)).all()
        )
        grades: dict[str, int] = dict(
            conn.execute(select(grade, func.count()).where(*where, grade.is_not(None)).group_by(grade)).all()
        )
    if not bands:
        raise YearNotScored(year, industry)
    return {
        "year": year,
        "industry": industry,
        "suppliers": sum(bands.values()),
        "grades": grades,
        "bands": bands,
    }


def green_list(*, year: int, engine: Engine) -> dict[str, Any]:
    """The fixed green list of a year: who is on it, who entered, who left and why."""
    e = green_list_entries
    with engine.connect() as conn:
        header = conn.execute(select(green_lists).where(green_lists.c.year == year)).mappings().first()
        if header is None:
            raise GreenListNotFound(year)
        rows = [
            dict(r)
            for r in conn.execute(
                select(e).where(e.c.year == year).order_by(e.c.total.desc().nulls_last(), e.c.supplier_id)
            ).mappings()
        ]
    on_list = [r for r in rows if r["on_list"]]
    return {
        **dict(header),
        "entries": on_list,
        "entered": [r["supplier_id"] for r in on_list if r["entered"]],
        "exited": [r for r in rows if not r["on_list"]],
    }
