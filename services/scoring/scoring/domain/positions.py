"""Relative positions like the enterprise green code: rank, percentile and A+/A/B grade,
overall and within each GB/T 4754 industry.

Ties: suppliers with equal totals share a rank (competition ranking: 1, 2, 2, 4),
a percentile and therefore a grade, so equal scores never get different grades.
Grade cut-offs are applied to the rank: A+ when rank <= round(5 % of n), A when
rank <= round(40 % of n) (see ``GradeShares.cutoffs``). With distinct totals the
grades partition the population 5/35/60 up to rounding; a tie group straddling a
cut-off is graded up as a whole, so a grade may then hold a few more members.
A supplier below the theme floor (``capped``) is graded B whatever its rank; its
place is not handed to anyone else, ranks stay score-based.
Percentile: the share of the population with a strictly lower total (0-100).

Cost: one sort of the whole population plus linear passes, O(n log n).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from scoring.domain.grading import Band, Grade, GradeShares
from scoring.domain.scorecard import Scorecard, quantise

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Standing:
    """One rated supplier entering a ranking."""

    supplier_id: str
    industry: str
    total: Decimal
    band: Band | None = None
    capped: bool = False

    @classmethod
    def from_scorecard(cls, card: Scorecard) -> Standing | None:
        """None when the supplier takes no place: Unrated, or a gate failed.

        Like the green code, which covers only factories with filed data that are
        still on the green list (incidents and falsified data remove them).
        """
        if card.total is None or card.failed_gates:
            return None
        return cls(card.supplier_id, card.industry, card.total, card.band, card.grade_capped)


@dataclass(frozen=True, slots=True)
class Placement:
    """Place within one population."""

    rank: int
    size: int
    percentile: Decimal
    grade: Grade


@dataclass(frozen=True, slots=True)
class Position:
    supplier_id: str
    industry: str
    total: Decimal
    band: Band | None
    overall: Placement
    in_industry: Placement


@dataclass(frozen=True, slots=True)
class PositionChange:
    """A supplier whose grade (overall or in industry) or band changed, or who entered or left."""

    supplier_id: str
    before: Position | None
    after: Position | None


def grade_for_rank(rank: int, cutoffs: tuple[int, int]) -> Grade:
    a_plus, a_or_better = cutoffs
    if rank <= a_plus:
        return Grade.A_PLUS
    return Grade.A if rank <= a_or_better else Grade.B


def place(totals: list[Decimal], shares: GradeShares) -> list[Placement]:
    """Placements for ``totals`` sorted best first; tie groups share one Placement."""
    size = len(totals)
    cutoffs = shares.cutoffs(size)
    placements: list[Placement] = []
    start = 0
    while start < size:
        end = start + 1
        while end < size and totals[end] == totals[start]:
            end += 1
        percentile = quantise(Decimal(size - end) * HUNDRED / size)
        shared = Placement(start + 1, size, percentile, grade_for_rank(start + 1, cutoffs))
        placements.extend([shared] * (end - start))
        start = end
    return placements


def compute_positions(
    standings: Iterable[Standing], shares: GradeShares | None = None
) -> dict[str, Position]:
    """Every supplier's overall and in-industry position, keyed by supplier id."""
    shares = shares or GradeShares()
    ordered = sorted(standings, key=lambda s: s.total, reverse=True)
    if len({s.supplier_id for s in ordered}) != len(ordered):
        raise ValueError("a supplier appears more than once in the population")
    overall = place([s.total for s in ordered], shares)
    by_industry: dict[str, list[int]] = {}
    for index, standing in enumerate(ordered):
        by_industry.setdefault(standing.industry, []).append(index)
    in_industry: list[Placement | None] = [None] * len(ordered)
    for indices in by_industry.values():  # each list is already sorted best first
        for index, placement in zip(indices, place([ordered[i].total for i in indices], shares), strict=True):
            in_industry[index] = placement
    return {
        s.supplier_id: Position(s.supplier_id, s.industry, s.total, s.band, _cap(s, o), _cap(s, i))
        for s, o, i in zip(ordered, overall, in_industry, strict=True)
        if i is not None
    }


def _cap(standing: Standing, placement: Placement) -> Placement:
    if standing.capped and placement.grade != Grade.B:
        return replace(placement, grade=Grade.B)
    return placement


def changed_positions(old: Mapping[str, Position], new: Mapping[str, Position]) -> list[PositionChange]:
    """Only suppliers whose grade, in-industry grade or band changed, or who entered or left; by id."""
    changes = []
    for supplier_id in sorted(old.keys() | new.keys()):
        before, after = old.get(supplier_id), new.get(supplier_id)
        if before is None or after is None or _signature(before) != _signature(after):
            changes.append(PositionChange(supplier_id, before, after))
    return changes


def _signature(position: Position) -> tuple[Grade, Grade, Band | None]:
    return position.overall.grade, position.in_industry.grade, position.band
