"""Score one measure from the evidence in the facts: a performance figure or credentials.

Here live the evidence rules: stale figures and expired, unverified or too-old
credentials earn nothing, and the data-quality tier of a figure may cost points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from scoring.domain.criteria import CriteriaModel, Measure, Method
from scoring.domain.dates import add_months
from scoring.domain.facts import Credential, CredentialState, SupplierYearFacts, Tier
from scoring.domain.methods import ZERO, categorical_points, figure_points, linear_points
from scoring.domain.plan import ONE, CriterionPlan, MeasurePlan, ScoringPlan, short
from scoring.domain.scorecard import CriterionStatus

ONE_DAY = timedelta(days=1)
# Enum members as plain names: attribute access on an enum class is slow on the hot path.
SCORED, MISSING, STALE = CriterionStatus.SCORED, CriterionStatus.MISSING, CriterionStatus.STALE


@dataclass(slots=True)  # not frozen: frozen dataclasses cost 2 us per instance; never mutated
class MeasureOutcome:
    """Points of one measure before redistribution, and what they rest on."""

    points: Decimal
    status: CriterionStatus
    explanation: str
    evidence_ids: tuple[str, ...] = ()
    tier: Tier | None = None
    review_by: date | None = None  # the day this evidence stops counting


def score_measure(
    facts: SupplierYearFacts, plan: ScoringPlan, criterion: CriterionPlan, measure: MeasurePlan
) -> MeasureOutcome:
    if criterion.is_performance:
        return _from_figure(facts, plan, criterion, measure)
    return _from_credentials(facts, plan.model, criterion, measure)


def _from_figure(
    facts: SupplierYearFacts, plan: ScoringPlan, criterion: CriterionPlan, measure: MeasurePlan
) -> MeasureOutcome:
    metric = measure.metric
    figure = facts.figures.get(metric)
    if figure is None:
        return MeasureOutcome(ZERO, MISSING, measure.not_reported)
    ref = figure.evidence_id or measure.default_ref
    period_end = facts.period_end(figure)
    max_age = criterion.max_age
    stale_after = add_months(period_end, max_age) if max_age else None
    if stale_after is not None and facts.as_of > stale_after:
        note = f"{metric} for period ending {period_end!s} is older than {max_age} months"
        return MeasureOutcome(ZERO, STALE, note, (ref,), figure.tier)
    raw, how = _figure_points(measure, figure.value)
    factor, penalty = plan.quality[figure.tier] if criterion.penalised else (ONE, "")
    # !s: str() of a Decimal is what format() gives, at a third of the cost.
    note = f"{metric} {figure.value!s} {measure.unit}: {how} gives {short(raw)}/{measure.full}{penalty}"
    review_by = stale_after + ONE_DAY if stale_after else None
    return MeasureOutcome(raw * factor, SCORED, note, (ref,), figure.tier, review_by)


def _figure_points(measure: MeasurePlan, value: Decimal) -> tuple[Decimal, str]:
    """As :func:`scoring.domain.methods.figure_points`, with the industry row already resolved."""
    if measure.row is not None:
        return linear_points(value, measure.row, measure.points, measure.partial_floor), measure.how
    return figure_points(measure.measure, value, "")


def _from_credentials(
    facts: SupplierYearFacts, model: CriteriaModel, criterion: CriterionPlan, measure: MeasurePlan
) -> MeasureOutcome:
    relevant = [c for c in facts.credentials if c.type in criterion.kinds]
    usable: list[Credential] = []
    refused: list[tuple[CriterionStatus, str]] = []
    for credential in sorted(relevant, key=lambda c: c.id):  # sorted: input order never matters
        problem = _credential_problem(credential, facts.as_of, model, criterion)
        if problem is None:
            usable.append(credential)
        else:
            refused.append(problem)
    choice = _best_credential(usable, measure.measure, lambda c: _last_day(c, model, criterion))
    if choice is None:
        return _nothing_usable(criterion, usable, refused)
    points, credential, label, last_day = choice
    until = f", counts until {last_day!s}" if last_day else ""
    note = f"{label} ({credential.id}{until}) gives {short(points)}/{measure.full}"
    review_by = last_day + timedelta(days=1) if last_day else None
    return MeasureOutcome(points, SCORED, note, (credential.id,), None, review_by)


def _best_credential(
    usable: list[Credential], measure: Measure, last_day: Callable[[Credential], date | None]
) -> tuple[Decimal, Credential, str, date | None] | None:
    """Most points, then the longest-lasting, then the smallest id: deterministic."""
    options = []
    for credential in usable:
        if measure.method == Method.CATEGORICAL:
            points, label = categorical_points(credential, measure.categories or {})
        else:
            points, label = measure.points, f"valid {credential.type}"
        if points > 0:
            options.append((points, credential, label, last_day(credential)))
    return min(options, key=lambda o: (-o[0], -(o[3] or date.max).toordinal(), o[1].id), default=None)


def _credential_problem(
    credential: Credential, as_of: date, model: CriteriaModel, criterion: CriterionPlan
) -> tuple[CriterionStatus, str] | None:
    """Why a credential cannot count on ``as_of``, or None when it can."""
    cid = credential.id
    if credential.state == CredentialState.EXPIRED:
        return CriterionStatus.EXPIRED, f"{cid} expired"
    if credential.state != CredentialState.VERIFIED:
        return CriterionStatus.MISSING, f"{cid} is {credential.state}, not verified"
    if credential.issued_on > as_of:
        return CriterionStatus.MISSING, f"{cid} issued after {as_of}"
    expiry = _counts_until(credential, model)
    if expiry is not None and as_of > expiry:
        return CriterionStatus.EXPIRED, f"{cid} expired on {credential.expires_on}"
    max_age = criterion.max_age
    if max_age and as_of > add_months(credential.issued_on, max_age):
        return CriterionStatus.STALE, f"{cid} issued {credential.issued_on}, older than {max_age} months"
    return None


def _last_day(credential: Credential, model: CriteriaModel, criterion: CriterionPlan) -> date | None:
    """Last day the credential counts for this criterion: expiry (plus grace) or freshness limit."""
    ends = [_counts_until(credential, model)]
    if criterion.max_age:
        ends.append(add_months(credential.issued_on, criterion.max_age))
    return min((end for end in ends if end is not None), default=None)


def _counts_until(credential: Credential, model: CriteriaModel) -> date | None:
    """Last day the credential counts: its expiry plus the model's grace days."""
    if credential.expires_on is None:
        return None
    return credential.expires_on + timedelta(days=model.credential_grace_days)


def _nothing_usable(
    criterion: CriterionPlan, usable: list[Credential], refused: list[tuple[CriterionStatus, str]]
) -> MeasureOutcome:
    notes = [f"{c.id} ({c.type}) earns no points" for c in usable] + [note for _, note in refused]
    if not notes:
        return MeasureOutcome(ZERO, CriterionStatus.MISSING, criterion.nothing_note)
    if not refused:
        return MeasureOutcome(ZERO, CriterionStatus.SCORED, "; ".join(notes), tuple(c.id for c in usable))
    # Report the most actionable reason: an expiry before staleness before absence.
    status = min((status for status, _ in refused), key=_REFUSAL_PRECEDENCE.index)
    return MeasureOutcome(ZERO, status, "; ".join(notes))


_REFUSAL_PRECEDENCE = (CriterionStatus.EXPIRED, CriterionStatus.STALE, CriterionStatus.MISSING)
