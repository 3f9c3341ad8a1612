"""score(facts, model): totals, bands, industry rows, gates, Unrated, determinism and types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from scoring.domain import (
    Band,
    BandThresholds,
    CriteriaModel,
    CriterionStatus,
    SupplierYearFacts,
    Tier,
    load_model_data,
    parse_model,
    score,
)

D = Decimal
Facts = Callable[..., SupplierYearFacts]


def test_perfect_supplier_scores_100(model: CriteriaModel, facts_builder: Facts) -> None:
    card = score(facts_builder(), model)
    assert card.rated
    assert card.total == D("100.00")
    assert card.band == Band.LEADING
    assert card.theme_floor_met
    assert card.data_quality_tier == Tier.PRIMARY
    assert all(g.passed for g in card.gates)
    assert [g.gate_id for g in card.gates] == ["G1", "G2", "G3", "G4"]  # G5 disabled
    assert all(c.points == c.max_points for c in card.criteria)
    assert sum(g.points for g in card.groups) == card.total
    assert card.model_version == "2026.1"


def test_partial_supplier_explains_each_criterion(model: CriteriaModel, facts_builder: Facts) -> None:
    figures = {"green_material_use_rate_pct": "42", "renewable_electricity_share_pct": "30"}
    card = score(facts_builder({**_perfect(facts_builder), **figures}), model)
    p4, r4 = card.criterion("P4"), card.criterion("R4")
    assert (p4.points, p4.max_points) == (D("4.00"), D("5.00"))
    assert "green_material_use_rate_pct 42" in p4.explanation
    assert "step >= 40" in p4.explanation
    assert r4.points == D("3.00")
    assert "linear 0->50 [default]" in r4.explanation
    assert r4.evidence_ids == ("performance:renewable_electricity_share_pct",)
    assert card.total == D("97.00")


def _perfect(facts_builder: Facts) -> dict[str, str]:
    return {k: str(f.value) for k, f in facts_builder().figures.items()}


@pytest.mark.parametrize(
    ("total", "band"),
    [
        ("100", Band.LEADING),
        ("85", Band.LEADING),
        ("84.99", Band.QUALIFIED_PLUS),
        ("80", Band.QUALIFIED_PLUS),
        ("79.99", Band.QUALIFIED),
        ("70", Band.QUALIFIED),
        ("69.99", Band.CONDITIONAL),
        ("60", Band.CONDITIONAL),
        ("59.99", Band.NON_COMPLIANT),
        ("0", Band.NON_COMPLIANT),
    ],
)
def test_band_thresholds(total: str, band: Band) -> None:
    assert BandThresholds().band_for(D(total)) == band


def test_industry_rows_are_used(model: CriteriaModel, facts_builder: Facts) -> None:
    card = score(facts_builder(industry="C3825"), model)
    r2 = card.criterion("R2")
    assert "[C3825]" in r2.explanation
    assert r2.points == D("3.27")  # 0.6 on the PV row 0.9 -> 0.35: 6 x 0.3 / 0.55


# --- gates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gates", "gate_id", "reason"),
    [
        ({"permits_valid": False}, "G1", "permit"),
        ({"last_major_incident_on": date(2024, 1, 10)}, "G2", "within 36 months"),
        ({"falsified_data_ban_until": date(2026, 6, 30)}, "G3", "ban until 2026-06-30"),
    ],
)
def test_a_failed_gate_is_non_compliant_whatever_the_score(
    model: CriteriaModel, facts_builder: Facts, gates: dict[str, Any], gate_id: str, reason: str
) -> None:
    card = score(facts_builder(gates=gates), model)
    assert card.total == D("100.00")  # still computed, for the explanation
    assert card.band == Band.NON_COMPLIANT
    failed = card.failed_gates
    assert [g.gate_id for g in failed] == [gate_id]
    assert reason in failed[0].reason


def test_old_incidents_and_lapsed_bans_pass(model: CriteriaModel, facts_builder: Facts) -> None:
    gates = {"last_major_incident_on": date(2023, 3, 30), "falsified_data_ban_until": date(2026, 3, 30)}
    assert score(facts_builder(gates=gates), model).band == Band.LEADING


def test_pollutants_over_the_limit_fail_g1(model: CriteriaModel, facts_builder: Facts) -> None:
    figures = {**_perfect(facts_builder), "pollutant_max_pct_of_limit": "120"}
    card = score(facts_builder(figures), model)
    assert card.band == Band.NON_COMPLIANT
    assert "pollutant_max_pct_of_limit 120 exceeds 100" in card.failed_gates[0].reason
    assert card.criterion("R6").points == 0


def test_g5_when_enabled(facts_builder: Facts) -> None:
    data = load_model_data("2026.1")
    data["gates"][-1]["enabled"] = True
    model = parse_model(data)
    assert score(facts_builder(), model).failed_gates[0].reason == "equipment list not filed"
    assert score(facts_builder(gates={"obsolete_equipment": False}), model).band == Band.LEADING
    assert score(facts_builder(gates={"obsolete_equipment": True}), model).band == Band.NON_COMPLIANT


@pytest.mark.parametrize(
    ("figures", "gates", "reason"),
    [
        (None, {"data_filed": False}, "data for 2025 not filed"),
        (None, {"abnormal": True, "abnormal_reasons": ("intensity 40x industry median",)}, "40x"),
        ({"solid_waste_utilisation_pct": "140"}, None, "solid_waste_utilisation_pct 140 outside [0, 100]"),
        ({"carbon_intensity_tco2e_per_10k_cny": None}, None, "missing: carbon_intensity_tco2e_per_10k_cny"),
    ],
)
def test_g4_failure_is_unrated(
    model: CriteriaModel,
    facts_builder: Facts,
    figures: dict[str, str | None] | None,
    gates: dict[str, Any] | None,
    reason: str,
) -> None:
    merged = {**_perfect(facts_builder), **(figures or {})}
    card = score(facts_builder({k: v for k, v in merged.items() if v is not None}, gates=gates), model)
    assert not card.rated
    assert card.total is None
    assert card.band == Band.UNRATED
    assert card.unrated_reason is not None
    assert reason in card.unrated_reason


def test_a_known_violation_outranks_missing_data(model: CriteriaModel, facts_builder: Facts) -> None:
    card = score(facts_builder(gates={"data_filed": False, "permits_valid": False}), model)
    assert card.band == Band.NON_COMPLIANT
    assert card.total is None


def test_missing_figure_with_zero_policy_scores_zero(model: CriteriaModel, facts_builder: Facts) -> None:
    figures = _perfect(facts_builder)
    del figures["recycled_content_pct"]
    card = score(facts_builder(figures), model)
    c2 = card.criterion("C2")
    assert (c2.points, c2.status) == (D("0.00"), CriterionStatus.MISSING)
    assert card.total == D("96.00")


# --- determinism and types -----------------------------------------------------------------------


def test_order_of_credentials_does_not_matter(
    model: CriteriaModel, facts_builder: Facts, make_credential: Any
) -> None:
    credentials = (
        *facts_builder().credentials,
        make_credential("GF-1", "green_factory", level="national"),
        make_credential("GC-0", "green_code", grade="A+"),
    )
    forward = score(facts_builder(credentials=credentials), model)
    backward = score(facts_builder(credentials=tuple(reversed(credentials))), model)
    assert forward == backward
    assert forward.criterion("M1").evidence_ids == ("GC-0",)


def test_outputs_carry_no_floats(model: CriteriaModel, facts_builder: Facts) -> None:
    dumped = score(facts_builder(tiers={"water_reuse_pct": Tier.MODELLED}), model).model_dump()

    def walk(value: Any) -> None:
        assert not isinstance(value, float)
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, Decimal):
            assert value == value.quantize(D("0.01")) or value.as_tuple().exponent == 0

    walk(dumped)
    assert score(facts_builder(), model).model_dump(mode="json")["total"] == "100.00"
