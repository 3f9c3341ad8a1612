"""score(facts, model): evidence rules, not-applicable redistribution, theme floor, review dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from scoring.domain import (
    Band,
    Credential,
    CredentialState,
    CriteriaModel,
    CriterionStatus,
    Figure,
    SupplierYearFacts,
    Tier,
    load_model_data,
    parse_model,
    score,
)

D = Decimal
Facts = Callable[..., SupplierYearFacts]


def variant(**changes: Any) -> CriteriaModel:
    data = load_model_data("2026.1")
    data.update(changes)
    return parse_model(data)


def _perfect(facts_builder: Facts) -> dict[str, str]:
    return {k: str(f.value) for k, f in facts_builder().figures.items()}


# --- evidence rules ---------------------------------------------------------------------------


def _with(facts_builder: Facts, replacement: Credential) -> SupplierYearFacts:
    credentials = tuple(c for c in facts_builder().credentials if c.type != replacement.type)
    return facts_builder(credentials=(*credentials, replacement))


def test_expired_certificate_scores_zero(
    model: CriteriaModel, facts_builder: Facts, make_credential: Any
) -> None:
    card = score(
        _with(facts_builder, make_credential("ISO14-1", "iso14001", expires=date(2026, 3, 30))), model
    )
    m2 = card.criterion("M2")
    assert (m2.points, m2.status) == (D("0.00"), CriterionStatus.EXPIRED)
    assert "ISO14-1 expired on 2026-03-30" in m2.explanation
    assert m2.evidence_ids == ()


def test_grace_days_keep_an_expired_certificate_counting(facts_builder: Facts, make_credential: Any) -> None:
    facts = _with(facts_builder, make_credential("ISO14-1", "iso14001", expires=date(2026, 3, 15)))
    assert score(facts, variant(credential_grace_days=30)).criterion("M2").points == D("3.00")


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (CredentialState.SUBMITTED, CriterionStatus.MISSING),
        (CredentialState.REJECTED, CriterionStatus.MISSING),
        (CredentialState.REVOKED, CriterionStatus.MISSING),
        (CredentialState.EXPIRED, CriterionStatus.EXPIRED),
    ],
)
def test_only_verified_credentials_count(
    model: CriteriaModel, facts_builder: Facts, state: CredentialState, status: CriterionStatus
) -> None:
    iso = Credential(id="ISO50-1", type="iso50001", state=state, issued_on=date(2025, 1, 1))
    m3 = score(_with(facts_builder, iso), model).criterion("M3")
    assert (m3.points, m3.status) == (D("0.00"), status)


def test_rating_older_than_12_months_is_stale(model: CriteriaModel, facts_builder: Facts) -> None:
    old = Credential(
        id="EV-0",
        type="ecovadis",
        state=CredentialState.VERIFIED,
        issued_on=date(2025, 3, 1),
        attributes={"medal": "platinum"},
    )
    m5 = score(_with(facts_builder, old), model).criterion("M5")
    assert (m5.points, m5.status) == (D("0.00"), CriterionStatus.STALE)


def test_credentials_issued_after_as_of_are_ignored(model: CriteriaModel, facts_builder: Facts) -> None:
    future = Credential(
        id="ISO50-9", type="iso50001", state=CredentialState.VERIFIED, issued_on=date(2026, 5, 1)
    )
    assert score(_with(facts_builder, future), model).criterion("M3").points == 0


def test_best_credential_wins(model: CriteriaModel, facts_builder: Facts, make_credential: Any) -> None:
    credentials = (
        make_credential("GF-1", "green_factory", level="national"),
        make_credential("GC-2", "green_code", grade="A"),
        make_credential("GP-1", "green_park", level="provincial"),
    )
    m1 = score(facts_builder(credentials=credentials), model).criterion("M1")
    assert m1.points == D("5.00")
    assert m1.evidence_ids == ("GC-2",)
    assert "green_code.grade=A" in m1.explanation


def test_stale_figure_scores_zero(model: CriteriaModel, facts_builder: Facts) -> None:
    facts = facts_builder()
    old = Figure(value=D(50), tier=Tier.PRIMARY, period_end=date(2023, 12, 31))
    facts = facts.model_copy(update={"figures": {**facts.figures, "renewable_electricity_share_pct": old}})
    r4 = score(facts, model).criterion("R4")
    assert (r4.points, r4.status) == (D("0.00"), CriterionStatus.STALE)
    assert "older than 24 months" in r4.explanation


@pytest.mark.parametrize(
    ("tier", "points"), [(Tier.PRIMARY_VERIFIED, "5.00"), (Tier.MODELLED, "4.50"), (Tier.DEFAULT, "4.00")]
)
def test_data_quality_penalty(model: CriteriaModel, facts_builder: Facts, tier: Tier, points: str) -> None:
    card = score(facts_builder(tiers={"renewable_electricity_share_pct": tier}), model)
    assert card.criterion("R4").points == D(points)
    assert card.criterion("R4").tier == tier
    assert card.data_quality_tier == (Tier.PRIMARY if tier == Tier.PRIMARY_VERIFIED else tier)


# --- not applicable, theme floor, review date ----------------------------------------------------


def test_not_applicable_points_are_redistributed_within_the_group(
    model: CriteriaModel, facts_builder: Facts
) -> None:
    figures = {**_perfect(facts_builder), "recycled_content_pct": "15"}
    card = score(facts_builder(figures, not_applicable=frozenset({"C3"})), model)
    c1, c2, c3 = card.criterion("C1"), card.criterion("C2"), card.criterion("C3")
    assert c3.status == CriterionStatus.NOT_APPLICABLE
    assert (c3.points, c3.max_points) == (D("0.00"), D("0.00"))
    assert c1.max_points == D("5.77")  # 5 x 15/13
    assert c2.points == D("2.31")  # 2 of 4, x 15/13
    assert card.group("recycling").max_points == 15
    assert card.group("recycling").points == D("12.69")  # 11 of 13 applicable, x 15/13
    assert "x1.1538 for not-applicable" in c1.explanation


def test_not_applicable_refused_where_the_model_forbids_it(
    model: CriteriaModel, facts_builder: Facts
) -> None:
    card = score(facts_builder(not_applicable=frozenset({"M2"})), model)
    m2 = card.criterion("M2")
    assert m2.status == CriterionStatus.SCORED
    assert "not accepted" in m2.explanation


def test_not_applicable_waives_a_required_figure(model: CriteriaModel, facts_builder: Facts) -> None:
    figures = _perfect(facts_builder)
    del figures["solid_waste_utilisation_pct"]
    card = score(facts_builder(figures, not_applicable=frozenset({"C1"})), model)
    assert card.rated
    assert card.total == D("100.00")


def test_a_whole_group_not_applicable_rescales_the_total(model: CriteriaModel, facts_builder: Facts) -> None:
    figures = {**_perfect(facts_builder), "renewable_electricity_share_pct": "0"}
    card = score(facts_builder(figures, not_applicable=frozenset({"L1", "L2", "L3", "L4"})), model)
    assert card.group("logistics").max_points == 0
    assert card.total == D("94.44")  # 85 of 90 available, on a 100 scale


def test_theme_floor(model: CriteriaModel, facts_builder: Facts) -> None:
    figures = {
        k: v for k, v in _perfect(facts_builder).items() if not k.startswith(("logistics", "clean", "load"))
    }
    card = score(facts_builder(figures), model)
    assert card.total == D("90.00")
    assert card.band == Band.LEADING
    assert not card.theme_floor_met
    assert card.grade_capped
    assert card.group("logistics").below_floor


def test_next_review_is_yearly_or_when_evidence_stops_counting(
    model: CriteriaModel, facts_builder: Facts, make_credential: Any
) -> None:
    figures = {k: v for k, v in _perfect(facts_builder).items() if k != "pollutant_max_pct_of_limit"}
    assert score(facts_builder(figures, credentials=()), model).next_review_on == date(2027, 3, 31)
    # The EcoVadis rating issued 2025-06-01 counts for 12 months.
    assert score(facts_builder(), model).next_review_on == date(2026, 6, 2)
    facts = _with(facts_builder, make_credential("ISO14-1", "iso14001", expires=date(2026, 4, 30)))
    assert score(facts, model).next_review_on == date(2026, 5, 1)


def test_conditional_band_is_reviewed_within_the_corrective_plan(
    model: CriteriaModel, facts_builder: Facts
) -> None:
    figures = {k: "0" for k in _perfect(facts_builder)} | {
        "carbon_intensity_tco2e_per_10k_cny": "0.6",
        "energy_intensity_kgce_per_10k_cny": "200",
        "water_intensity_m3_per_10k_cny": "8",
        "pollutant_max_pct_of_limit": "40",
        "logistics_intensity_pct_of_lane_baseline": "70",
        "solid_waste_utilisation_pct": "96",
        "green_material_use_rate_pct": "50",
        "hazardous_substance_declaration_coverage_pct": "100",
        "renewable_electricity_share_pct": "30",
        "disclosure_level": "2",
    }
    credentials = tuple(c for c in facts_builder().credentials if c.type != "ecovadis")
    card = score(facts_builder(figures, credentials=credentials), model)
    assert card.band == Band.CONDITIONAL, card.total
    assert card.next_review_on == date(2026, 6, 29)
