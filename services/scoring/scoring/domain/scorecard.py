"""The explained result of scoring one supplier-year. Immutable; JSON via ``model_dump(mode="json")``."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from scoring.domain.criteria import GateRule
from scoring.domain.facts import Tier
from scoring.domain.grading import Band

CENT = Decimal("0.01")


def quantise(value: Decimal) -> Decimal:
    """Round half-up to 0.01, the precision every published figure carries."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


_Model = TypeVar("_Model", bound=BaseModel)
_all_fields: dict[type[BaseModel], set[str]] = {}
# BaseModel's own slots, set directly: a third faster than object.__setattr__ by name.
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def trusted(cls: type[_Model], **values: Any) -> _Model:
    """An instance of a frozen model built from values of the right types, without validating them.

    Only for score()'s hot path, which assembles scorecards from already-validated facts and model
    values, every field given: validation would cost more than the scoring itself, and
    ``model_construct`` (the public way) is slower than validating small models. This sets what
    validation sets. The set of given fields is shared by all instances of a class: pydantic only
    changes it on attribute assignment, which frozen models refuse, and copies copy it. A test
    re-validates such scorecards and compares them, field by field and as JSON.
    """
    fields = _all_fields.get(cls)
    if fields is None:
        fields = _all_fields[cls] = set(cls.model_fields)
    if len(values) != len(fields):
        raise TypeError(f"{cls.__name__} needs every field: {sorted(fields - values.keys())} missing")
    instance = object.__new__(cls)
    object.__setattr__(instance, "__dict__", values)
    _set_fields_set(instance, fields)
    _set_extra(instance, None)
    _set_private(instance, None)
    return instance


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
