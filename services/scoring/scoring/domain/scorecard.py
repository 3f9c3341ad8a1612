"""The explained result of scoring one supplier-year. Immutable; JSON via ``model_dump(mode="json")``."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from scoring.domain.criteria import GateRule
from scoring.domain.facts import Tier
from scoring.domain.grading import Band

CENT = Decimal("0.01")


def quantise(value: Decimal) -> Decimal:
    """Round half-up to 0.01, the precision every published figure carries."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class CriterionStatus(StrEnum):
    """Why a criterion got the points it got."""

    SCORED = "scored"
    NOT_APPLICABLE = "not_applicable"
    MISSING = "missing"
    STALE = "stale"
    EXPIRED = "expired"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CriterionResult(_Frozen):
    """Points for one criterion, out of its maximum after any redistribution in its group."""

    criterion_id: str
    group: str
    points: Decimal
    max_points: Decimal
    status: CriterionStatus
    explanation: str
    evidence_ids: tuple[str, ...]
    tier: Tier | None = None


class GroupScore(_Frozen):
    group: str
    points: Decimal
    max_points: Decimal
    below_floor: bool


class GateResult(_Frozen):
    gate_id: str
    rule: GateRule
    passed: bool
    reason: str


class Scorecard(_Frozen):
    """Total, band, gates and the criterion-by-criterion explanation for one supplier-year.

    ``total`` is None when the year is Unrated (G4 failed). Group scores are each
    rounded to 0.01 and the total is their sum, so they always add up; criterion
    points are rounded separately and may differ from their group by a cent.
    """

    supplier_id: str
    industry: str
    year: int
    as_of: date
    model_version: str
    rated: bool
    total: Decimal | None
    band: Band
    unrated_reason: str | None
    groups: tuple[GroupScore, ...]
    criteria: tuple[CriterionResult, ...]
    gates: tuple[GateResult, ...]
    theme_floor_met: bool
    data_quality_tier: Tier
    next_review_on: date

    @property
    def failed_gates(self) -> tuple[GateResult, ...]:
        return tuple(gate for gate in self.gates if not gate.passed)

    @property
    def grade_capped(self) -> bool:
        """True when the theme floor forbids A+ and A, whatever the relative position."""
        return not self.theme_floor_met

    def criterion(self, criterion_id: str) -> CriterionResult:
        return next(result for result in self.criteria if result.criterion_id == criterion_id)

    def group(self, group_id: str) -> GroupScore:
        return next(score for score in self.groups if score.group == group_id)
