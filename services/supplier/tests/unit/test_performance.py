from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from supplier.domain.performance import Figure, GhgVerificationLevel, YearlyPerformance
from supplier.domain.plausibility import (
    DEFAULT_RANGES,
    IndustryRanges,
    IntensityRange,
    PlausibilityRanges,
    check_plausibility,
)
from supplier.domain.values import DataQualityTier


def fig(value: object, tier: str = "primary") -> dict[str, Any]:
    return {"value": value, "tier": tier}


def plausible_year(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "year": 2025,
        "energy_kgce": fig("1200000", "primary_verified"),  # 1,200 tce
        "electricity_kwh": fig("5000000"),
        "renewable_electricity_share_pct": fig("35.5"),
        "scope1_tco2e": fig("900"),
        "scope2_location_tco2e": fig("2900"),
        "scope2_market_tco2e": fig("2100"),
        "scope3_tco2e": {"1": fig("15000", "modelled"), "4": fig("800", "default")},
        "ghg_verification_level": "third_party_limited",
        "production_output": fig("52000"),
        "production_output_unit": "piece",
        "value_added_cny": fig("180000000"),  # 18,000 x 10k CNY
        "water_intake_m3": fig("40000"),
        "water_reuse_pct": fig("88"),
        "solid_waste_generated_t": fig("300"),
        "solid_waste_utilised_t": fig("291"),
        "hazardous_waste_t": fig("12.5"),
        "hazardous_waste_licensed_pct": fig("100"),
        "pollutants_pct_of_limit": {"COD": fig("42"), "NOx": fig("61")},
        "green_material_use_rate_pct": fig("41"),
        "recycled_content_pct": fig("18"),
        "product_takeback_pct": fig("5"),
        "packaging_recovery_pct": fig("70"),
        "tier1_spend_audited_pct": fig("64"),
        "low_risk_suppliers_pct": fig("80"),
        "rohs_reach_declared_parts_pct": fig("97.2"),
    }
    return data | overrides


def test_full_year_parses_with_tiers() -> None:
    year = YearlyPerformance.model_validate(plausible_year())
    assert year.energy_kgce == Figure(value=Decimal("1200000"), tier=DataQualityTier.PRIMARY_VERIFIED)
    assert year.scope3_tco2e[1].tier is DataQualityTier.MODELLED
    assert year.ghg_verification_level is GhgVerificationLevel.THIRD_PARTY_LIMITED
    assert year.solid_waste_utilisation_pct == Decimal(97)
    assert dict(year.figures())["scope3_tco2e.4"].value == Decimal(800)


def test_decimals_survive_json_round_trip() -> None:
    year = YearlyPerformance.model_validate(plausible_year())
    dumped = year.model_dump(mode="json")
    assert dumped["renewable_electricity_share_pct"] == {"value": "35.5", "tier": "primary"}
    assert YearlyPerformance.model_validate(dumped) == year


def test_only_year_is_required() -> None:
    year = YearlyPerformance(year=2024)
    assert list(year.figures()) == []
    assert year.solid_waste_utilisation_pct is None


@pytest.mark.parametrize(
    ("field", "value", "loc"),
    [
        ("energy_kgce", fig("a lot"), ("energy_kgce", "value")),
        ("energy_kgce", fig("NaN"), ("energy_kgce", "value")),
        ("energy_kgce", "1200", ("energy_kgce",)),
        ("water_reuse_pct", fig("88", "guessed"), ("water_reuse_pct", "tier")),
        ("scope3_tco2e", {"16": fig("1")}, ("scope3_tco2e", "16", "[key]")),
        ("ghg_verification_level", "audited-ish", ("ghg_verification_level",)),
        ("year", "last year", ("year",)),
        ("flux_capacitance_gw", fig("1.21"), ("flux_capacitance_gw",)),
    ],
)
def test_structural_errors_are_validation_errors(field: str, value: object, loc: tuple[object, ...]) -> None:
    with pytest.raises(ValidationError) as exc:
        YearlyPerformance.model_validate(plausible_year(**{field: value}))
    assert loc in [error["loc"] for error in exc.value.errors()]


def test_output_needs_its_unit() -> None:
    data = plausible_year()
    del data["production_output_unit"]
    with pytest.raises(ValidationError) as exc:
        YearlyPerformance.model_validate(data)
    assert exc.value.errors()[0]["loc"] == ("production_output_unit",)


def test_plausible_year_has_no_anomalies() -> None:
    year = YearlyPerformance.model_validate(plausible_year())
    assert check_plausibility(year, industry_code="C3825") == []


def test_share_over_100_is_abnormal_not_rejected() -> None:
    year = YearlyPerformance.model_validate(plausible_year(water_reuse_pct=fig("130")))
    [anomaly] = check_plausibility(year)
    assert anomaly.field == "water_reuse_pct"
    assert "outside 0-100" in str(anomaly)


def test_pollutants_above_their_limit_are_not_a_data_anomaly() -> None:
    year = YearlyPerformance.model_validate(plausible_year(pollutants_pct_of_limit={"SO2": fig("140")}))
    assert check_plausibility(year) == []


def test_negative_amounts_are_abnormal() -> None:
    year = YearlyPerformance.model_validate(
        plausible_year(hazardous_waste_t=fig("-3"), scope3_tco2e={"1": fig("-1")})
    )
    fields = {a.field for a in check_plausibility(year)}
    assert fields == {"hazardous_waste_t", "scope3_tco2e.1"}


def test_utilised_more_than_generated_is_abnormal() -> None:
    year = YearlyPerformance.model_validate(plausible_year(solid_waste_utilised_t=fig("450")))
    [anomaly] = check_plausibility(year)
    assert anomaly.field == "solid_waste_utilised_t"
    assert "exceeds" in anomaly.reason


def test_unit_slip_makes_energy_intensity_implausible() -> None:
    # 1,200 entered in kgce where tce was meant: 0.00007 tce per 10k CNY.
    year = YearlyPerformance.model_validate(plausible_year(energy_kgce=fig("1200")))
    [anomaly] = check_plausibility(year)
    assert anomaly.field == "energy_kgce"
    assert "tce per 10k CNY" in anomaly.reason


def test_carbon_intensity_uses_industry_row() -> None:
    # 3,800 t / 18,000 x 10k CNY = 0.21 tCO2e per 10k CNY: plausible by default, not for steel.
    year = YearlyPerformance.model_validate(plausible_year(energy_kgce=fig("8000000")))
    assert check_plausibility(year, industry_code="C3825") == []
    fields = {a.field for a in check_plausibility(year, industry_code="C3110")}
    assert fields == {"scope1_tco2e"}


def test_range_table_is_configurable() -> None:
    ranges = PlausibilityRanges(
        version="test",
        default=IndustryRanges(),
        by_industry={
            "C3825": IndustryRanges(energy_tce_per_10k_cny=IntensityRange(low=Decimal(1), high=Decimal(2)))
        },
    )
    year = YearlyPerformance.model_validate(plausible_year())
    assert check_plausibility(year, ranges=ranges) == []
    assert [a.field for a in check_plausibility(year, industry_code="c3825", ranges=ranges)] == [
        "energy_kgce"
    ]


def test_longest_prefix_wins_and_default_row_applies() -> None:
    assert DEFAULT_RANGES.for_industry("C3130") is DEFAULT_RANGES.by_industry["C31"]
    assert DEFAULT_RANGES.for_industry(None) is DEFAULT_RANGES.default
    assert DEFAULT_RANGES.for_industry("A0111") is DEFAULT_RANGES.default


def test_range_must_be_ordered() -> None:
    with pytest.raises(ValidationError):
        IntensityRange(low=Decimal(2), high=Decimal(1))


def test_no_value_added_skips_intensity_checks() -> None:
    year = YearlyPerformance.model_validate(plausible_year(energy_kgce=fig("1"), value_added_cny=None))
    assert check_plausibility(year) == []
