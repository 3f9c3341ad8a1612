"""Ranks, percentiles and stored grades of a year's ranked population, counted in SQL.

Ranks are competition ranks (1 + how many have a strictly higher total), percentiles the share
with a strictly lower total, as in scoring.domain.positions; both are answered from the partial
indexes on (year, [industry,] total DESC), so no rank is ever stored and shifted.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, func, select, text, update

from scoring.adapters.tables.scorecards import scorecards

HUNDRED = Decimal(100)
GRADE_COLUMNS = {"overall": "grade", "industry": "industry_grade"}


def _population(year: int, industry: str | None) -> list[Any]:
    where = [scorecards.c.year == year, scorecards.c.ranked]
    if industry is not None:
        where.append(scorecards.c.industry == industry)
    return where


def lock_year(conn: Connection, year: int) -> None:
    """Serialise position changes within a year (consumers and the yearly rescore)."""
    conn.execute(text("SELECT pg_advisory_xact_lock(20264, :year)"), {"year": year})


def size(conn: Connection, year: int, industry: str | None) -> int:
    return conn.execute(select(func.count()).where(*_population(year, industry))).scalar_one()


def totals_at(conn: Connection, year: int, industry: str | None, *, offset: int, limit: int) -> list[Decimal]:
    """Totals at places ``offset`` .. ``offset + limit - 1`` (0-based) of the ranking."""
    query = (
        select(scorecards.c.total)
        .where(*_population(year, industry))
        .order_by(scorecards.c.total.desc())
        .offset(max(offset, 0))
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def members(conn: Connection, year: int, industry: str | None, totals: Iterable[Decimal]) -> list[Any]:
    """Ranked suppliers holding any of ``totals``, with what their grade depends on."""
    query = select(
        scorecards.c.supplier_id,
        scorecards.c.total,
        scorecards.c.capped,
        scorecards.c.grade,
        scorecards.c.industry_grade,
        scorecards.c.model_version,
        scorecards.c.industry,
    ).where(*_population(year, industry), scorecards.c.total.in_(sorted(set(totals))))
    return list(conn.execute(query))


def placement(conn: Connection, year: int, industry: str | None, total: Decimal) -> tuple[int, int, int]:
    """(rank, how many have a lower total, population size) for ``total``."""
    higher = func.count().filter(scorecards.c.total > total)
    lower = func.count().filter(scorecards.c.total < total)
    row = conn.execute(select(higher, lower, func.count()).where(*_population(year, industry))).one()
    return row[0] + 1, row[1], row[2]


def above(conn: Connection, year: int, industry: str | None, total: Decimal, *, inclusive: bool) -> int:
    """How many ranked suppliers have a total above (or at least) ``total``: a scan from the top."""
    bound = scorecards.c.total >= total if inclusive else scorecards.c.total > total
    return conn.execute(select(func.count()).where(*_population(year, industry), bound)).scalar_one()


def set_grade(conn: Connection, supplier_id: UUID, year: int, scope: str, grade: str | None) -> None:
    conn.execute(
        update(scorecards)
        .where(scorecards.c.supplier_id == supplier_id, scorecards.c.year == year)
        .values({GRADE_COLUMNS[scope]: grade})
    )
