"""Procurement check: a purchase evaluated against a buyer policy, clause by clause.

Pure: the service layer gathers the evidence (scorecard, credentials, footprints, lane intensities)
and stores the result. Each clause yields a reason with an outcome: ``deny`` anywhere denies the
purchase; otherwise any ``condition`` allows it with conditions. Missing evidence is a condition
(ask the supplier), never a silent pass. A stricter policy can only add denials or conditions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from gateway.domain.policies import PolicyRules, band_rank, grade_rank

Decision = Literal["allow", "allow_with_conditions", "deny"]
Outcome = Literal["pass", "condition", "deny"]
DECISIONS: tuple[Decision, ...] = ("allow", "allow_with_conditions", "deny")  # best to worst


@dataclass(frozen=True)
class ScorecardFacts:
    year: int
    model_version: str
    band: str | None
    score: Decimal | None = None
    grade_overall: str | None = None
    grade_industry: str | None = None
    failed_gates: tuple[str, ...] = ()


@dataclass(frozen=True)
class CredentialFacts:
    id: str
    type: str
    state: str
    expires_on: date | None = None

    def valid_on(self, day: date) -> bool:
        """Verified and not past its expiry date (the supplier service also moves it to `expired`)."""
        return self.state == "verified" and (self.expires_on is None or self.expires_on >= day)


@dataclass(frozen=True)
class FootprintFacts:
    id: str
    declared_unit: str
    pcf_kgco2e_per_unit: Decimal


@dataclass(frozen=True)
class ProductLine:
    product_id: str
    category: str
    quantity: Decimal
    declared_unit: str | None = None


@dataclass(frozen=True)
class Lane:
    mode: str
    distance_km: Decimal
    mass_t: Decimal | None = None
    intensity_gco2e_per_tkm: Decimal | None = None
    intensity_source: str | None = None


@dataclass(frozen=True)
class Evidence:
    today: date
    scorecard: ScorecardFacts | None = None
    credentials: tuple[CredentialFacts, ...] = ()
    footprints: Mapping[str, FootprintFacts] = field(default_factory=dict)  # by product id


@dataclass(frozen=True)
class Reason:
    clause: str
    outcome: Outcome
    code: str
    detail: str
    evidence: dict[str, Any]


@dataclass(frozen=True)
class CheckResult:
    decision: Decision
    reasons: tuple[Reason, ...]


def evaluate(
    rules: PolicyRules, *, products: list[ProductLine], lanes: list[Lane], evidence: Evidence
) -> CheckResult:
    """Every clause of ``rules`` applied to the purchase; the decision is the worst outcome."""
    reasons = (
        *_band(rules, evidence),
        *_grade(rules, evidence),
        *_credentials(rules, evidence),
        *_expiry_warning(rules, evidence),
        *_footprints(rules, products, evidence),
        *_logistics(rules, lanes),
    )
    outcomes = {reason.outcome for reason in reasons}
    decision: Decision = (
        "deny" if "deny" in outcomes else "allow_with_conditions" if "condition" in outcomes else "allow"
    )
    return CheckResult(decision, reasons)


def _scorecard_evidence(card: ScorecardFacts) -> dict[str, Any]:
    return {
        "scorecard_year": card.year,
        "model_version": card.model_version,
        "band": card.band,
        "score": None if card.score is None else str(card.score),
        "grade_overall": card.grade_overall,
        "grade_industry": card.grade_industry,
        "failed_gates": list(card.failed_gates),
    }


def _no_scorecard(clause: str) -> Reason:
    return Reason(clause, "deny", "no_scorecard", "The supplier has no scorecard yet.", {})


def _band(rules: PolicyRules, evidence: Evidence) -> Iterator[Reason]:
    if rules.min_band is None:
        return
    card = evidence.scorecard
    if card is None:
        yield _no_scorecard("min_band")
        return
    facts = _scorecard_evidence(card) | {"min_band": rules.min_band}
    if band_rank(card.band) < band_rank(rules.min_band):
        detail = f"Band {card.band or 'Unrated'} ({card.year}) is below {rules.min_band}."
        yield Reason("min_band", "deny", "band_below_minimum", detail, facts)
    else:
        yield Reason("min_band", "pass", "band_met", f"Band {card.band} meets {rules.min_band}.", facts)


def _grade(rules: PolicyRules, evidence: Evidence) -> Iterator[Reason]:
    if rules.min_grade is None:
        return
    card = evidence.scorecard
    if card is None:
        yield _no_scorecard("min_grade")
        return
    wanted = rules.min_grade
    grade = card.grade_overall if wanted.scope == "overall" else card.grade_industry
    facts = _scorecard_evidence(card) | {"min_grade": wanted.grade, "scope": wanted.scope}
    if grade_rank(grade) < grade_rank(wanted.grade):
        detail = f"The {wanted.scope} grade {grade or 'none'} ({card.year}) is below {wanted.grade}."
        yield Reason("min_grade", "deny", "grade_below_minimum", detail, facts)
    else:
        detail = f"The {wanted.scope} grade {grade} meets {wanted.grade}."
        yield Reason("min_grade", "pass", "grade_met", detail, facts)


def _credentials(rules: PolicyRules, evidence: Evidence) -> Iterator[Reason]:
    for kind in rules.required_credentials:
        clause = f"required_credential:{kind}"
        of_kind = [c for c in evidence.credentials if c.type == kind]
        valid = [c for c in of_kind if c.valid_on(evidence.today)]
        facts = {
            "credential_ids": [c.id for c in valid or of_kind],
            "states": sorted({c.state for c in of_kind}),
        }
        if valid:
            yield Reason(clause, "pass", "credential_valid", f"A valid {kind} is on file.", facts)
        else:
            detail = f"No verified, unexpired {kind} credential."
            yield Reason(clause, "deny", "credential_missing", detail, facts)


def _expiry_warning(rules: PolicyRules, evidence: Evidence) -> Iterator[Reason]:
    days = rules.credential_expiry_warning_days
    if days is None:
        return
    watched = set(rules.required_credentials)
    pool = [
        c
        for c in evidence.credentials
        if c.valid_on(evidence.today) and c.expires_on and (not watched or c.type in watched)
    ]
    found = False
    for credential in sorted(pool, key=lambda c: (c.expires_on, c.id)):
        assert credential.expires_on is not None
        left = (credential.expires_on - evidence.today).days
        if left < days:
            found = True
            facts = {
                "credential_id": credential.id,
                "type": credential.type,
                "expires_on": credential.expires_on.isoformat(),
                "days_left": left,
                "warning_days": days,
            }
            detail = f"{credential.type} expires in {left} days; renew before ordering beyond it."
            yield Reason("credential_expiry_warning", "condition", "credential_expiring", detail, facts)
    if not found:
        detail = f"No watched credential expires within {days} days."
        yield Reason("credential_expiry_warning", "pass", "no_credential_expiring", detail, {})


def _footprints(rules: PolicyRules, products: list[ProductLine], evidence: Evidence) -> Iterator[Reason]:
    for index, product in enumerate(products):
        limit = rules.footprint_limit(product.category)
        if limit is None:
            continue
        clause = f"max_footprint:{limit.category}"
        facts: dict[str, Any] = {
            "product_index": index,
            "product_id": product.product_id,
            "max_kgco2e_per_unit": str(limit.max_kgco2e_per_unit),
            "declared_unit": limit.declared_unit,
        }
        footprint = evidence.footprints.get(product.product_id)
        if footprint is None:
            detail = f"No active footprint for {product.product_id}; ask the supplier for a PACT footprint."
            yield Reason(clause, "condition", "footprint_missing", detail, facts)
            continue
        yield _footprint_reason(clause, limit.max_kgco2e_per_unit, product, footprint, facts)


def _footprint_reason(
    clause: str, maximum: Decimal, product: ProductLine, footprint: FootprintFacts, facts: dict[str, Any]
) -> Reason:
    value = footprint.pcf_kgco2e_per_unit
    facts = facts | {
        "footprint_id": footprint.id,
        "footprint_declared_unit": footprint.declared_unit,
        "pcf_kgco2e_per_unit": str(value),
        "total_kgco2e": str(value * product.quantity),
    }
    units = {
        footprint.declared_unit,
        facts["declared_unit"],
        product.declared_unit or footprint.declared_unit,
    }
    if len(units) > 1:
        detail = (
            f"The footprint is per {footprint.declared_unit}, the policy limit per {facts['declared_unit']}."
        )
        return Reason(clause, "condition", "declared_unit_mismatch", detail, facts)
    if value > maximum:
        detail = f"{value} kgCO2e per {footprint.declared_unit} exceeds the maximum {maximum}."
        return Reason(clause, "deny", "footprint_above_maximum", detail, facts)
    return Reason(clause, "pass", "footprint_within_maximum", f"{value} ≤ {maximum} kgCO2e.", facts)


def _logistics(rules: PolicyRules, lanes: list[Lane]) -> Iterator[Reason]:
    maximum = rules.max_logistics_intensity_gco2e_per_tkm
    if maximum is None:
        return
    for index, lane in enumerate(lanes):
        intensity = lane.intensity_gco2e_per_tkm
        facts: dict[str, Any] = {
            "lane_index": index,
            "mode": lane.mode,
            "distance_km": str(lane.distance_km),
            "max_gco2e_per_tkm": str(maximum),
            "intensity_gco2e_per_tkm": None if intensity is None else str(intensity),
            "intensity_source": lane.intensity_source,
        }
        if intensity is not None and lane.mass_t is not None:
            facts["emissions_kgco2e"] = str(lane.mass_t * lane.distance_km * intensity / 1000)
        if intensity is None:
            detail = f"No intensity known for the {lane.mode} lane; supply carrier data."
            yield Reason("max_logistics_intensity", "condition", "intensity_unknown", detail, facts)
        elif intensity > maximum:
            detail = f"The {lane.mode} lane at {intensity} gCO2e/tkm exceeds {maximum}."
            yield Reason("max_logistics_intensity", "deny", "lane_intensity_above_maximum", detail, facts)
        else:
            detail = f"The {lane.mode} lane at {intensity} gCO2e/tkm is within {maximum}."
            yield Reason("max_logistics_intensity", "pass", "lane_intensity_within_maximum", detail, facts)
