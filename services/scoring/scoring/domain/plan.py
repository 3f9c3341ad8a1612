"""Scoring plans: what score() can work out once per (model, industry) instead of once per supplier.

A plan resolves each linear measure's industry row, the parts of explanations that depend only on
the model, each group's criteria and the figures gate G4 insists on, so scoring a supplier only
does that supplier's arithmetic. The yearly rescoring scores 100,000 suppliers against one model
and ~20 industries: the plans are built a few dozen times, not millions.

Plans are cached per model object and industry; models are immutable, so a plan never goes stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from threading import Lock

from scoring.domain.criteria import (
    CriteriaModel,
    Criterion,
    Direction,
    Group,
    LinearRow,
    Measure,
    Method,
    MissingPolicy,
    NotApplicablePolicy,
    Step,
)
from scoring.domain.facts import Tier
from scoring.domain.scorecard import quantise

ONE = Decimal(1)
CENT = Decimal("0.01")
_MAX_CACHED_MODELS = 16


def short(value: Decimal) -> str:
    """A readable number: 2.5 rather than 2.500000, whole numbers without decimals.

    The same text as ``f"{value.quantize(CENT).normalize():f}"`` at half the cost: a value with
    exponent -2 always prints in fixed notation, so only trailing zeros and the point go.
    """
    return str(value.quantize(CENT)).rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class MeasurePlan:
    """One measure with its industry row resolved and its fixed explanation parts."""

    measure: Measure
    metric: str
    method: Method
    points: Decimal
    partial_floor: Decimal
    full: str  # the measure's points, as explanations print them
    unit: str
    row: LinearRow | None
    how: str  # linear: "linear 1.5->0.6 [default]"
    rising: bool
    steps: tuple[Step, ...]
    not_reported: str
    default_ref: str


@dataclass(frozen=True, slots=True)
class CriterionPlan:
    criterion: Criterion
    id: str
    group: str
    points: Decimal
    max_full: Decimal  # max points when the group keeps all its points (scale 1), rounded
    is_performance: bool
    max_age: int | None
    kinds: frozenset[str]  # credential types it reads
    penalised: bool
    waivable: bool
    measures: tuple[MeasurePlan, ...]
    not_applicable_note: str
    refused_note: str
    nothing_note: str  # no credential of a wanted type at all


@dataclass(frozen=True, slots=True)
class GroupPlan:
    group: Group
    criteria: tuple[CriterionPlan, ...]


@dataclass(frozen=True, slots=True)
class ScoringPlan:
    model: CriteriaModel
    industry: str
    groups: tuple[GroupPlan, ...]
    quality: dict[Tier, tuple[Decimal, str]]  # factor and the penalty note it adds
    unrated_metrics: tuple[tuple[Criterion, tuple[str, ...]], ...]  # figures G4 requires


def _measure_plan(measure: Measure, industry: str) -> MeasurePlan:
    metric = measure.metric or ""
    row, how = None, ""
    if measure.method == Method.LINEAR:
        key, row = measure.linear_row(industry)
        how = f"linear {row.baseline}->{row.leading} [{key}]"
    return MeasurePlan(
        measure=measure,
        metric=metric,
        method=measure.method,
        points=measure.points,
        partial_floor=measure.partial_floor,
        full=short(measure.points),
        unit=measure.unit,
        row=row,
        how=how,
        rising=measure.direction == Direction.HIGHER_BETTER,
        steps=measure.steps or (),
        not_reported=f"{metric} not reported",
        default_ref=f"performance:{metric}",
    )


def _criterion_plan(criterion: Criterion, industry: str) -> CriterionPlan:
    wanted = criterion.evidence.credential_types
    return CriterionPlan(
        criterion=criterion,
        id=criterion.id,
        group=criterion.group,
        points=criterion.points,
        max_full=quantise(criterion.points * ONE),
        is_performance=criterion.evidence.is_performance,
        max_age=criterion.evidence.max_age_months,
        kinds=frozenset(wanted),
        penalised=criterion.quality_penalty,
        waivable=criterion.not_applicable == NotApplicablePolicy.REDISTRIBUTE,
        measures=tuple(_measure_plan(measure, industry) for measure in criterion.measures),
        not_applicable_note=(
            f"not applicable; its {criterion.points} points go to the other {criterion.group} criteria"
        ),
        refused_note=" (a not-applicable claim is not accepted for this criterion)",
        nothing_note=f"no {' or '.join(wanted)} credential",
    )


def compile_plan(model: CriteriaModel, industry: str) -> ScoringPlan:
    """Resolve everything about ``model`` that does not depend on one supplier's facts."""
    criteria = {criterion.id: _criterion_plan(criterion, industry) for criterion in model.criteria}
    return ScoringPlan(
        model=model,
        industry=industry,
        groups=tuple(
            GroupPlan(group, tuple(criteria[c.id] for c in model.criteria_in(group.id)))
            for group in model.groups
        ),
        quality={
            tier: (factor, f" x{factor} ({tier} data)" if factor != 1 else "")
            for tier, factor in model.quality_factors.items()
        },
        unrated_metrics=tuple(
            (criterion, criterion.metrics)
            for criterion in model.criteria
            if criterion.missing == MissingPolicy.UNRATED
        ),
    )


# Keyed by id(model); each entry keeps its model alive, so an id is never reused while cached.
_plans: dict[int, tuple[CriteriaModel, dict[str, ScoringPlan]]] = {}
_lock = Lock()


def plan_for(model: CriteriaModel, industry: str) -> ScoringPlan:
    """The cached plan for ``model`` and ``industry`` (built on first use)."""
    entry = _plans.get(id(model))
    if entry is None or entry[0] is not model:
        with _lock:
            if len(_plans) >= _MAX_CACHED_MODELS:
                _plans.pop(next(iter(_plans)))
            entry = _plans[id(model)] = (model, {})
    plan = entry[1].get(industry)
    if plan is None:
        plan = entry[1][industry] = compile_plan(model, industry)
    return plan
