"""score(facts, model) -> Scorecard: the pure heart of the scoring service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from scoring.domain.criteria import CriteriaModel, GateRule
from scoring.domain.dates import add_months
from scoring.domain.evidence import MeasureOutcome, score_measure
from scoring.domain.facts import SupplierYearFacts, Tier, worst_tier
from scoring.domain.gates import evaluate_gates
from scoring.domain.grading import Band
from scoring.domain.methods import ZERO
from scoring.domain.plan import CriterionPlan, GroupPlan, ScoringPlan, plan_for
from scoring.domain.scorecard import (
    CriterionResult,
    CriterionStatus,
    GateResult,
    GroupScore,
    Scorecard,
    quantise,
    trusted,
)

HUNDRED = Decimal(100)
SCORED, NOT_APPLICABLE = CriterionStatus.SCORED, CriterionStatus.NOT_APPLICABLE  # enum lookups are slow


@dataclass(slots=True)
class _Tally:
    """What the scorecard needs beyond the groups: tiers of scored criteria, when evidence lapses."""

    tiers: list[Tier] = field(default_factory=list)
    evidence_ends: list[date] = field(default_factory=list)


def score(facts: SupplierYearFacts, model: CriteriaModel) -> Scorecard:
    """Score one supplier-year. Deterministic: the same facts and model give an equal scorecard."""
    plan = plan_for(model, facts.industry)
    gates = evaluate_gates(facts, plan)
    results: list[CriterionResult] = []
    tally = _Tally()
    groups = [_score_group(facts, plan, group, results, tally) for group in plan.groups]
    rated = all(g.passed for g in gates if g.rule == GateRule.DATA_FILED_AND_PLAUSIBLE)
    total = _total(groups) if rated else None
    band = _band(model, gates, total)
    return trusted(
        Scorecard,
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
        data_quality_tier=worst_tier(tally.tiers),
        next_review_on=_next_review(facts, model, band, tally.evidence_ends),
    )


def _score_group(
    facts: SupplierYearFacts,
    plan: ScoringPlan,
    group: GroupPlan,
    results: list[CriterionResult],
    tally: _Tally,
) -> GroupScore:
    """Score a group's criteria, scaled so the applicable ones share the group's points (N/A).

    Appends the criterion results to ``results``. Which criteria are waived is known from the facts
    before any is scored, so the scale is too.
    """
    claims = facts.not_applicable
    waived = (
        [c.waivable and c.id in claims for c in group.criteria] if claims else [False] * len(group.criteria)
    )
    applicable = sum((c.points for c, off in zip(group.criteria, waived, strict=True) if not off), start=ZERO)
    scale = group.group.points / applicable if applicable else ZERO
    scaled: list[Decimal] = []
    for criterion, off in zip(group.criteria, waived, strict=True):
        if off:
            scaled.append(ZERO * scale)
            results.append(
                _result(criterion, scaled[-1], ZERO, NOT_APPLICABLE, criterion.not_applicable_note)
            )
        else:
            outcome = _evaluate_criterion(facts, plan, criterion, criterion.id in claims)
            scaled.append(_scaled_result(criterion, outcome, scale, results))
            if outcome.tier is not None and outcome.status is SCORED:
                tally.tiers.append(outcome.tier)
            if outcome.review_by:
                tally.evidence_ends.append(outcome.review_by)
    points = quantise(sum(scaled, start=ZERO))
    max_points = group.group.points if applicable else ZERO
    below_floor = max_points > 0 and points < max_points * plan.model.theme_floor_pct / HUNDRED
    return trusted(GroupScore, group=group.group.id, points=points, max_points=max_points,
                   below_floor=below_floor)  # fmt: skip


def _scaled_result(
    criterion: CriterionPlan, outcome: MeasureOutcome, scale: Decimal, results: list[CriterionResult]
) -> Decimal:
    """Append the criterion's result with its points scaled; returns the unrounded scaled points."""
    if scale == 1:  # multiplying by 1 changes no value: skip it (most suppliers claim no N/A)
        points, max_points, explanation = outcome.points, criterion.max_full, outcome.explanation
    else:
        points, max_points = outcome.points * scale, quantise(criterion.points * scale)
        ratio = scale.quantize(Decimal("0.0001")).normalize()
        explanation = f"{outcome.explanation}; x{ratio:f} for not-applicable criteria"
    results.append(_result(criterion, points, max_points, outcome.status, explanation,
                           outcome.evidence_ids, outcome.tier))  # fmt: skip
    return points


def _evaluate_criterion(
    facts: SupplierYearFacts, plan: ScoringPlan, criterion: CriterionPlan, claimed: bool
) -> MeasureOutcome:
    """A criterion's outcome before scaling; ``tier`` only when it scored."""
    outcomes = [score_measure(facts, plan, criterion, measure) for measure in criterion.measures]
    if len(outcomes) == 1:  # most criteria: nothing to combine
        only = outcomes[0]
        only.points = ZERO + only.points  # as the sum over several measures would give
        if only.status is not SCORED:
            only.tier = None
        if claimed:
            only.explanation += criterion.refused_note
        if len(only.evidence_ids) > 1:
            only.evidence_ids = tuple(sorted(set(only.evidence_ids)))
        return only
    status = next((o.status for o in outcomes if o.status is not SCORED), SCORED)
    explanation = "; ".join(o.explanation for o in outcomes)
    if claimed:
        explanation += criterion.refused_note
    tiers = [o.tier for o in outcomes if o.tier is not None and o.status is SCORED]
    return MeasureOutcome(
        points=sum((o.points for o in outcomes), start=ZERO),
        status=status,
        explanation=explanation,
        evidence_ids=tuple(sorted({ref for o in outcomes for ref in o.evidence_ids})),
        tier=worst_tier(tiers) if tiers else None,
        review_by=min((o.review_by for o in outcomes if o.review_by), default=None),
    )


def _result(
    criterion: CriterionPlan,
    points: Decimal,
    max_points: Decimal,
    status: CriterionStatus,
    explanation: str,
    evidence_ids: tuple[str, ...] = (),
    tier: Tier | None = None,
) -> CriterionResult:
    return trusted(
        CriterionResult,
        criterion_id=criterion.id,
        group=criterion.group,
        points=quantise(points),
        max_points=max_points,
        status=status,
        explanation=explanation,
        evidence_ids=evidence_ids,
        tier=tier,
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
