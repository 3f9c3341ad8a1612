"""Incremental ranking: one supplier's total changes in a large, already-sorted population.

Same rules as :mod:`scoring.domain.positions` (shared ranks for ties, rank-based
cut-offs, theme-floor cap). An update costs O(log n) to locate plus an O(n)
list shift (a fast memmove), instead of re-sorting the population.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from scoring.domain.grading import Grade, GradeShares
from scoring.domain.positions import grade_for_rank

_first = itemgetter(0)


@dataclass(frozen=True, slots=True)
class GradeChange:
    """A grade that moved because of an update; None means not in the population."""

    supplier_id: str
    before: Grade | None
    after: Grade | None


class RankedPopulation:
    """One population (everyone, or one industry) kept sorted best first."""

    def __init__(
        self,
        totals: Iterable[tuple[str, Decimal]],
        shares: GradeShares | None = None,
        capped: Iterable[str] = (),
    ) -> None:
        self._shares = shares or GradeShares()
        self._totals = dict(totals)
        self._capped = set(capped)
        # Keys (-total, id) ascend as totals descend; the id keeps keys unique for removal.
        self._keys = sorted((-total, supplier_id) for supplier_id, total in self._totals.items())

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, supplier_id: object) -> bool:
        return supplier_id in self._totals

    def rank(self, supplier_id: str) -> int:
        """1 + the number of suppliers with a strictly higher total."""
        return bisect_left(self._keys, -self._totals[supplier_id], key=_first) + 1

    def grade(self, supplier_id: str) -> Grade:
        if supplier_id in self._capped:
            return Grade.B
        return grade_for_rank(self.rank(supplier_id), self._shares.cutoffs(len(self._keys)))

    def update(self, supplier_id: str, total: Decimal | None, *, capped: bool = False) -> list[GradeChange]:
        """Set a supplier's total (None removes it); return every grade that changed, by id.

        Only suppliers near a cut-off can change grade when one total moves (ranks
        and cut-offs each move by at most one place), so only those are compared.
        """
        before = self._boundary_grades() | {supplier_id: self._grade_or_none(supplier_id)}
        self._remove(supplier_id)
        if total is not None:
            self._totals[supplier_id] = total
            insort(self._keys, (-total, supplier_id))
            if capped:
                self._capped.add(supplier_id)
        after = self._boundary_grades() | {supplier_id: self._grade_or_none(supplier_id)}
        common = sorted(before.keys() & after.keys())
        return [GradeChange(sid, before[sid], after[sid]) for sid in common if before[sid] != after[sid]]

    def _remove(self, supplier_id: str) -> None:
        old = self._totals.pop(supplier_id, None)
        self._capped.discard(supplier_id)
        if old is not None:
            del self._keys[bisect_left(self._keys, (-old, supplier_id))]

    def _grade_or_none(self, supplier_id: str) -> Grade | None:
        return self.grade(supplier_id) if supplier_id in self._totals else None

    def _boundary_grades(self) -> dict[str, Grade]:
        """Grades of every tie group holding a place within two of a cut-off."""
        size = len(self._keys)
        places = {
            p for cutoff in self._shares.cutoffs(size) for p in range(cutoff - 2, cutoff + 2) if 0 <= p < size
        }
        grades: dict[str, Grade] = {}
        for negated in {self._keys[place][0] for place in places}:
            start = bisect_left(self._keys, negated, key=_first)
            end = bisect_right(self._keys, negated, key=_first)
            for _, supplier_id in self._keys[start:end]:
                grades[supplier_id] = self.grade(supplier_id)
        return grades
