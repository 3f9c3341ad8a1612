"""Ranks, percentiles and stored grades of a year's ranked population, counted in SQL.

Ranks are competition ranks (1 + how many have a strictly higher total), percentiles the share
with a strictly lower total, as in scoring.domain.positions; both are answered from the partial
indexes on (year, [industry,] total DESC), so no rank is ever stored and shifted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Connection,
    Integer,
    Select,
    String,
    bindparam,
    func,
    literal,
    select,
    text,
    union_all,
    update,
)

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


# The consumer runs these on every event: each is built once per shape (overall or one industry),
# with bound parameters, so SQLAlchemy neither rebuilds the statement nor recomputes its cache key.
_YEAR: BindParameter[int] = bindparam("year", type_=Integer)
_INDUSTRY: BindParameter[str] = bindparam("industry", type_=String)
_TOTAL: BindParameter[Decimal] = bindparam("total", type_=scorecards.c.total.type)


@cache
def _ranked(by_industry: bool) -> tuple[Any, ...]:
    where = [scorecards.c.year == _YEAR, scorecards.c.ranked]
    return (*where, scorecards.c.industry == _INDUSTRY) if by_industry else tuple(where)


@cache
def _size(by_industry: bool) -> Select[Any]:
    return select(func.count()).where(*_ranked(by_industry))


@cache
def _sizes(industries: int) -> Select[*tuple[int, ...]]:
    in_industry = [scorecards.c.industry == bindparam(f"industry_{i}") for i in range(industries)]
    counts = [func.count().filter(where) for where in in_industry]
    return select(func.count(), *counts).where(*_ranked(False))


@cache
def _windows(by_industry: bool, windows: int) -> CompoundSelect[Any]:
    """Several windows of the ranking in one statement, each row tagged with its window."""
    parts = [
        select(literal(i).label("window"), scorecards.c.total)
        .where(*_ranked(by_industry))
        .order_by(scorecards.c.total.desc())
        .offset(bindparam(f"offset_{i}", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
        for i in range(windows)
    ]
    union = union_all(*parts)
    return union.order_by(union.selected_columns.window, union.selected_columns.total.desc())


@cache
def _members(by_industry: bool) -> Select[Any]:
    c = scorecards.c
    return select(
        c.supplier_id, c.total, c.capped, c.grade, c.industry_grade, c.model_version, c.industry
    ).where(*_ranked(by_industry), c.total.in_(bindparam("totals", expanding=True)))


@cache
def _placement(by_industry: bool) -> Select[int, int, int]:
    higher = func.count().filter(scorecards.c.total > _TOTAL)
    lower = func.count().filter(scorecards.c.total < _TOTAL)
    return select(higher, lower, func.count()).where(*_ranked(by_industry))


def _placements() -> Select[int, int, int, int, int, int]:
    c, in_industry = scorecards.c, scorecards.c.industry == _INDUSTRY
    return select(
        func.count().filter(c.total > _TOTAL),
        func.count().filter(c.total < _TOTAL),
        func.count(),
        func.count().filter(in_industry, c.total > _TOTAL),
        func.count().filter(in_industry, c.total < _TOTAL),
        func.count().filter(in_industry),
    ).where(*_ranked(False))


_PLACEMENTS = _placements()
_SET_GRADE = {
    scope: update(scorecards)
    .where(scorecards.c.supplier_id == bindparam("b_supplier"), scorecards.c.year == bindparam("b_year"))
    .values({column: bindparam("b_grade", type_=String)})
    for scope, column in GRADE_COLUMNS.items()
}


def _params(year: int, industry: str | None, **more: Any) -> dict[str, Any]:
    return {"year": year, **({} if industry is None else {"industry": industry}), **more}


def size(conn: Connection, year: int, industry: str | None) -> int:
    return conn.execute(_size(industry is not None), _params(year, industry)).scalar_one()


def sizes(conn: Connection, year: int, industries: Sequence[str]) -> tuple[int, dict[str, int]]:
    """The ranking's size overall and in each of ``industries``, counted in one scan."""
    params = {"year": year} | {f"industry_{i}": industry for i, industry in enumerate(industries)}
    row = conn.execute(_sizes(len(industries)), params).one()
    return row[0], dict(zip(industries, row[1:], strict=True))


def windows(
    conn: Connection, year: int, industry: str | None, *, offsets: Sequence[int], limit: int
) -> list[list[Decimal]]:
    """Totals at places ``offset`` .. ``offset + limit - 1`` (0-based) of the ranking, for each
    of ``offsets``, in one round trip."""
    params = _params(year, industry, limit=limit)
    params |= {f"offset_{i}": max(offset, 0) for i, offset in enumerate(offsets)}
    found: list[list[Decimal]] = [[] for _ in offsets]
    for window, total in conn.execute(_windows(industry is not None, len(offsets)), params):
        found[window].append(total)
    return found


def members(conn: Connection, year: int, industry: str | None, totals: Iterable[Decimal]) -> list[Any]:
    """Ranked suppliers holding any of ``totals``, with what their grade depends on."""
    params = _params(year, industry, totals=sorted(set(totals)))
    return list(conn.execute(_members(industry is not None), params))


def placement(conn: Connection, year: int, industry: str | None, total: Decimal) -> tuple[int, int, int]:
    """(rank, how many have a lower total, population size) for ``total``."""
    row = conn.execute(_placement(industry is not None), _params(year, industry, total=total)).one()
    return row[0] + 1, row[1], row[2]


def placements(
    conn: Connection, year: int, industry: str, total: Decimal
) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """``placement`` overall and in ``industry``, counted in one scan of the year's ranking."""
    row = conn.execute(_PLACEMENTS, _params(year, industry, total=total)).one()
    return (row[0] + 1, row[1], row[2]), (row[3] + 1, row[4], row[5])


def above(conn: Connection, year: int, industry: str | None, total: Decimal, *, inclusive: bool) -> int:
    """How many ranked suppliers have a total above (or at least) ``total``: a scan from the top."""
    bound = scorecards.c.total >= total if inclusive else scorecards.c.total > total
    return conn.execute(select(func.count()).where(*_population(year, industry), bound)).scalar_one()


def set_grade(conn: Connection, supplier_id: UUID, year: int, scope: str, grade: str | None) -> None:
    conn.execute(_SET_GRADE[scope], {"b_supplier": supplier_id, "b_year": year, "b_grade": grade})
