"""Keeps the stored relative grades right after one supplier's scorecard changed.

When one total moves (or a supplier enters or leaves the ranking), ranks and the grade cut-offs
each move by at most one place, so only the tie groups near a cut-off, and the supplier itself,
can change grade (the argument of scoring.domain.ranked). Those few are re-graded against the totals
at the cut-off places (rank <= c exactly when total >= the c-th best total), read with an ordered
scan of the ranking index; a rank is counted only for the event of a grade that changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from scoring.adapters import rankings
from scoring.domain import Grade, GradeShares
from scoring.domain.scorecard import quantise
from shared.contracts.scoring import ComplianceGradeChanged

WINDOW = 4  # places either side of a cut-off whose tie groups are re-graded
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class ChangedCard:
    """The changed supplier's stored row as regrade reads it, known to the caller that just wrote it."""

    supplier_id: UUID
    model_version: str
    industry: str
    total: Decimal | None
    ranked: bool
    grade: str | None
    industry_grade: str | None


def regrade(
    conn: Connection, *, year: int, industries: set[str], changed: ChangedCard, shares: GradeShares
) -> list[ComplianceGradeChanged]:
    """Fix every grade the change made wrong, overall and in ``industries``; the events to publish.

    The overall pass can only change ``changed``'s overall grade, which the industry passes do not read.
    """
    ordered = sorted(industries)
    overall, sizes = rankings.sizes(conn, year, ordered)  # grading changes no size: counted once
    events = _regrade(conn, year, "overall", None, overall, changed, shares)
    for industry in ordered:
        events += _regrade(conn, year, "industry", industry, sizes[industry], changed, shares)
    return events


def _regrade(
    conn: Connection,
    year: int,
    scope: str,
    industry: str | None,
    size: int,
    own: ChangedCard,
    shares: GradeShares,
) -> list[ComplianceGradeChanged]:
    column = rankings.GRADE_COLUMNS[scope]
    cutoffs = shares.cutoffs(size)
    offsets = [cutoff - WINDOW for cutoff in cutoffs]
    windows = rankings.windows(conn, year, industry, offsets=offsets, limit=2 * WINDOW)
    totals: set[Decimal] = set()
    lines: list[Decimal | None] = []  # the cut-off places' totals: rank <= c iff total >= line
    for cutoff, window in zip(cutoffs, windows, strict=True):
        totals.update(window)
        place = cutoff - 1 - max(cutoff - WINDOW, 0)
        lines.append(window[place] if cutoff > 0 and place < len(window) else None)
    in_population = own.ranked and (industry is None or own.industry == industry)
    if in_population and own.total is not None:
        totals.add(own.total)
    events = []
    for row in rankings.members(conn, year, industry, totals):
        grade = Grade.B if row.capped else _grade(row.total, lines)
        if getattr(row, column) != grade.value:
            rank, lower, _ = rankings.placement(conn, year, industry, row.total)
            percentile = quantise(Decimal(lower) * HUNDRED / size)
            events.append(_changed(row, year, scope, getattr(row, column), grade.value, percentile, rank))
            rankings.set_grade(conn, row.supplier_id, year, scope, grade.value)
    leaving = not own.ranked and (industry is None or own.industry == industry)
    if leaving and getattr(own, column) is not None:
        events.append(_changed(own, year, scope, getattr(own, column), None, None, None))
        rankings.set_grade(conn, own.supplier_id, year, scope, None)
    return events


def _grade(total: Decimal, lines: list[Decimal | None]) -> Grade:
    """A+ at or above the total in the last A+ place, A at or above the last A place (ties go up)."""
    a_plus, a = lines
    if a_plus is not None and total >= a_plus:
        return Grade.A_PLUS
    return Grade.A if a is not None and total >= a else Grade.B


def _changed(
    row: Any,
    year: int,
    scope: str,
    previous: str | None,
    grade: str | None,
    percentile: Decimal | None,
    rank: int | None,
) -> ComplianceGradeChanged:
    return ComplianceGradeChanged(
        supplier_id=row.supplier_id,
        year=year,
        model_version=row.model_version,
        scope="overall" if scope == "overall" else "industry",
        industry=row.industry,
        previous_grade=previous,
        grade=grade,
        percentile=percentile,
        rank=rank,
    )
