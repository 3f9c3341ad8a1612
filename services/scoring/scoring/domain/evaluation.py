"""score(facts, model) -> Scorecard: the pure heart of the scoring service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from scoring.domain.criteria import CriteriaModel, Criterion, GateRule, Group
from scoring.domain.dates import add_months
from scoring.domain.evidence import score_measure
from scoring.domain.facts import SupplierYearFacts, Tier, worst_tier
from scoring.domain.gates import evaluate_gates
from scoring.domain.grading import Band
from scoring.domain.methods import ZERO
from scoring.domain.scorecard import (
    CriterionResult,
    CriterionStatus,
    GateResult,
    GroupScore,
    Scorecard,
    quantise,
)

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class _Raw:
    """A criterion's outcome before its group redistributes not-applicable points."""

    criterion: Criterion
    applicable: bool
    points: Decimal
    status: CriterionStatus
    explanation: str
    evidence_ids: tuple[str, ...] = ()
    tier: Tier | None = None
    review_by: date | None = None


def score(facts: SupplierYearFacts, model: CriteriaModel) -> Scorecard:
    """Score one supplier-year. Deterministic: the same facts and model give an equal scorecard."""
    gates = evaluate_gates(facts, model)
    raws = [_evaluate_criterion(facts, model, criterion) for criterion in model.criteria]
    results, groups = _score_groups(model, raws)
    rated = all(g.passed for g in gates if g.rule == GateRule.DATA_FILED_AND_PLAUSIBLE)
    total = _total(groups) if rated else None
    band = _band(model, gates, total)
    tiers = [r.tier for r in raws if r.tier is not None and r.status == CriterionStatus.SCORED]
    return Scorecard(
        supplier_id=facts.supplier_id,
        industry=facts.industry,
        year=facts.year,
        as_of=facts.as_of,
        model_version=model.version,
        rated=rated,
        total=total,
        band=band,
        unrated_reason=None if rated else _g4_reason(gates),
        groups=tuple(groups),
        criteria=tuple(results),
        gates=gates,
        theme_floor_met=not any(g.below_floor for g in groups),
        data_quality_tier=worst_tier(tiers),
        next_review_on=_next_review(facts, model, band, [r.review_by for r in raws if r.review_by]),
    )


def _evaluate_criterion(facts: SupplierYearFacts, model: CriteriaModel, criterion: Criterion) -> _Raw:
    if criterion.waived_by(facts.not_applicable):
        note = f"not applicable; its {criterion.points} points go to the other {criterion.group} criteria"
        return _Raw(criterion, False, ZERO, CriterionStatus.NOT_APPLICABLE, note)
    outcomes = [score_measure(facts, model, criterion, measure) for measure in criterion.measures]
    status = next((o.status for o in outcomes if o.status != CriterionStatus.SCORED), CriterionStatus.SCORED)
    explanation = "; ".join(o.explanation for o in outcomes)
    if criterion.id in facts.not_applicable:
        explanation += " (a not-applicable claim is not accepted for this criterion)"
    tiers = [o.tier for o in outcomes if o.tier is not None and o.status == CriterionStatus.SCORED]
    return _Raw(
        criterion=criterion,
        applicable=True,
        points=sum((o.points for o in outcomes), start=ZERO),
        status=status,
        explanation=explanation,
        evidence_ids=tuple(sorted({ref for o in outcomes for ref in o.evidence_ids})),
        tier=worst_tier(tiers) if tiers else None,
        review_by=min((o.review_by for o in outcomes if o.review_by), default=None),
    )


def _score_groups(model: CriteriaModel, raws: list[_Raw]) -> tuple[list[CriterionResult], list[GroupScore]]:
    results: list[CriterionResult] = []
    groups: list[GroupScore] = []
    for group in model.groups:
        group_results, group_score = _score_group(
            model, group, [r for r in raws if r.criterion.group == group.id]
        )
        results += group_results
        groups.append(group_score)
    return results, groups


def _score_group(
    model: CriteriaModel, group: Group, raws: list[_Raw]
) -> tuple[list[CriterionResult], GroupScore]:
    """Scale applicable criteria so they share the whole group's points (N/A redistribution)."""
    applicable = sum((r.criterion.points for r in raws if r.applicable), start=ZERO)
    scale = group.points / applicable if applicable else ZERO
    results = [_result(r, scale) for r in raws]
    points = quantise(sum((r.points * scale for r in raws), start=ZERO))
    max_points = group.points if applicable else ZERO
    below_floor = max_points > 0 and points < max_points * model.theme_floor_pct / HUNDRED
    return results, GroupScore(group=group.id, points=points, max_points=max_points, below_floor=below_floor)


def _result(raw: _Raw, scale: Decimal) -> CriterionResult:
    explanation = raw.explanation
    if raw.applicable and scale != 1:
        explanation += f"; x{scale.quantize(Decimal('0.0001')).normalize():f} for not-applicable criteria"
    return CriterionResult(
        criterion_id=raw.criterion.id,
        group=raw.criterion.group,
        points=quantise(raw.points * scale),
        max_points=quantise(raw.criterion.points * scale) if raw.applicable else ZERO,
        status=raw.status,
        explanation=explanation,
        evidence_ids=raw.evidence_ids,
        tier=raw.tier,
    )


def _total(groups: list[GroupScore]) -> Decimal:
    """Sum of group scores, rescaled to 100 only when whole groups were not applicable."""
    available = sum((g.max_points for g in groups), start=ZERO)
    earned = sum((g.points for g in groups), start=ZERO)
    if available == HUNDRED:
        return earned
    return quantise(earned * HUNDRED / available) if available else ZERO


def _band(model: CriteriaModel, gates: tuple[GateResult, ...], total: Decimal | None) -> Band:
    """A failed G1-G3/G5 outranks missing data: a known violation is Non-compliant, not Unrated."""
    if any(not g.passed and g.rule != GateRule.DATA_FILED_AND_PLAUSIBLE for g in gates):
        return Band.NON_COMPLIANT
    if total is None:
        return Band.UNRATED
    return model.bands.band_for(total)


def _g4_reason(gates: tuple[GateResult, ...]) -> str:
    return next(g.reason for g in gates if g.rule == GateRule.DATA_FILED_AND_PLAUSIBLE)


def _next_review(
    facts: SupplierYearFacts, model: CriteriaModel, band: Band, evidence_ends: list[date]
) -> date:
    """The yearly review, sooner for a corrective plan or when evidence used stops counting."""
    candidates = [add_months(facts.as_of, model.review_interval_months), *evidence_ends]
    if band == Band.CONDITIONAL:
        candidates.append(facts.as_of + timedelta(days=model.corrective_plan_days))
    return min(candidates)
