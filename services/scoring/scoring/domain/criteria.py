"""The criteria model: a versioned, validated description of how a supplier is scored.

Instances are immutable and only exist once every check in
:mod:`scoring.domain.checks` passed, so a half-valid model can never be used.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scoring.domain.errors import ModelInvalid
from scoring.domain.facts import Tier
from scoring.domain.grading import BandThresholds, GradeShares

Points = Annotated[Decimal, Field(ge=0, decimal_places=2)]
DEFAULT_ROW = "default"
PERFORMANCE = "performance"


class Direction(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"


class Method(StrEnum):
    LINEAR = "linear"
    STEP = "step"
    BOOLEAN = "boolean"
    CATEGORICAL = "categorical"


class MissingPolicy(StrEnum):
    """What a missing figure means: the whole year is Unrated (G4), or the criterion scores 0."""

    UNRATED = "unrated"
    ZERO = "zero"


class NotApplicablePolicy(StrEnum):
    REDISTRIBUTE = "redistribute_within_group"
    NOT_ALLOWED = "not_allowed"


class GateRule(StrEnum):
    LEGAL_PERMITS = "legal_permits"
    NO_MAJOR_INCIDENT = "no_major_incident"
    NO_FALSIFIED_DATA = "no_falsified_data"
    DATA_FILED_AND_PLAUSIBLE = "data_filed_and_plausible"
    NO_OBSOLETE_EQUIPMENT = "no_obsolete_equipment"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LinearRow(_Frozen):
    """Value worth 0 points (baseline) and value worth full points (leading)."""

    baseline: Decimal
    leading: Decimal


class Step(_Frozen):
    """Reaching ``at`` (>= when higher is better, <= when lower is better) earns ``points``."""

    at: Decimal
    points: Points


_MEASURE_KEYS = frozenset(
    {"metric", "unit", "direction", "method", "linear", "partial_floor", "steps", "categories"}
)


class Measure(_Frozen):
    """One scored quantity. Most criteria have one; a composite (R5, R7) sums several."""

    metric: str | None = None
    unit: str
    direction: Direction = Direction.HIGHER_BETTER
    method: Method
    points: Points
    linear: dict[str, LinearRow] | None = Field(
        default=None, description="rows keyed by GB/T 4754 code or prefix, plus 'default'"
    )
    partial_floor: Points = Field(default=Decimal(0), description="points earned at the baseline itself")
    steps: tuple[Step, ...] | None = None
    categories: dict[str, dict[str, Points]] | None = Field(
        default=None, description="'credential_type.attribute' -> attribute value -> points"
    )

    def linear_row(self, industry: str) -> tuple[str, LinearRow]:
        """The most specific row for ``industry``: C3825, then C382, C38, C, then default."""
        rows = self.linear or {}
        for length in range(len(industry), 0, -1):
            if industry[:length] in rows:
                return industry[:length], rows[industry[:length]]
        return DEFAULT_ROW, rows[DEFAULT_ROW]


class Evidence(_Frozen):
    """Evidence a criterion rests on: the yearly performance filing, or credentials of given types."""

    required: Literal["performance"] | tuple[str, ...]
    max_age_months: int | None = Field(default=None, gt=0)

    @property
    def is_performance(self) -> bool:
        return self.required == PERFORMANCE

    @property
    def credential_types(self) -> tuple[str, ...]:
        return () if isinstance(self.required, str) else self.required


class Criterion(_Frozen):
    """A scored criterion; the flat single-measure form in the file is folded into ``measures``."""

    id: str = Field(pattern=r"^[A-Z]\d{1,2}$")
    name: str
    group: str
    points: Points
    evidence: Evidence
    missing: MissingPolicy = MissingPolicy.ZERO
    not_applicable: NotApplicablePolicy = NotApplicablePolicy.REDISTRIBUTE
    quality_penalty: bool = True
    measures: tuple[Measure, ...]

    @model_validator(mode="before")
    @classmethod
    def _fold_single_measure(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "measures" in data:
            return data
        outer = {key: value for key, value in data.items() if key not in _MEASURE_KEYS}
        inner = {key: value for key, value in data.items() if key in _MEASURE_KEYS}
        return {**outer, "measures": [{**inner, "points": data.get("points")}]}

    def waived_by(self, not_applicable: frozenset[str]) -> bool:
        """True when the supplier declared this criterion not applicable and the model allows it."""
        return self.id in not_applicable and self.not_applicable == NotApplicablePolicy.REDISTRIBUTE

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(measure.metric for measure in self.measures if measure.metric)


class Gate(_Frozen):
    """A pass/fail gate; failing it makes the supplier Non-compliant (G4: Unrated)."""

    id: str = Field(pattern=r"^G\d{1,2}$")
    name: str
    rule: GateRule
    enabled: bool = True
    window_months: int | None = Field(default=None, gt=0)
    pollutant_metric: str | None = None
    max_pct_of_limit: Decimal | None = Field(default=None, gt=0)


class Group(_Frozen):
    id: str = Field(pattern=r"^[a-z_]+$")
    name: str
    points: Points


class MetricSpec(_Frozen):
    """A known fact field; values outside [min, max] make the year abnormal (G4)."""

    unit: str
    min: Decimal | None = None
    max: Decimal | None = None


class CriteriaModel(_Frozen):
    """A complete, validated criteria model version (e.g. ``2026.1``)."""

    version: str = Field(pattern=r"^\d{4}\.\d+$")
    name: str
    effective_from: date
    total_points: Points = Decimal(100)
    quality_factors: dict[Tier, Decimal]
    bands: BandThresholds = BandThresholds()
    theme_floor_pct: Decimal = Field(default=Decimal(30), ge=0, le=100)
    grade_shares_pct: GradeShares = GradeShares()
    review_interval_months: int = Field(default=12, gt=0)
    corrective_plan_days: int = Field(default=90, gt=0)
    credential_grace_days: int = Field(default=0, ge=0)
    metrics: dict[str, MetricSpec]
    credential_types: dict[str, dict[str, tuple[str, ...]]]
    gates: tuple[Gate, ...]
    groups: tuple[Group, ...]
    criteria: tuple[Criterion, ...]

    @model_validator(mode="after")
    def _consistent(self) -> CriteriaModel:
        from scoring.domain.checks import find_problems  # checks imports this module

        problems = find_problems(self)
        if problems:
            # A ValueError subclass: pydantic wraps it and the loader unwraps the full list.
            raise ModelInvalid(self.version, problems)
        return self

    def criteria_in(self, group_id: str) -> tuple[Criterion, ...]:
        return tuple(criterion for criterion in self.criteria if criterion.group == group_id)

    def gate(self, rule: GateRule) -> Gate | None:
        """The enabled gate implementing ``rule``, if any."""
        return next((gate for gate in self.gates if gate.rule == rule and gate.enabled), None)
