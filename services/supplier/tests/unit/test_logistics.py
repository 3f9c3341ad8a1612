from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from supplier.domain.logistics import (
    FactorNotFound,
    FactorRow,
    FactorTable,
    Leg,
    LogisticsError,
    Mode,
    leg_emissions,
    load_factor_table,
    parse_factor_table,
    shipment_emissions,
)
from supplier.domain.values import DataQualityTier

TABLE = load_factor_table()

amounts = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(100_000), places=3)


def test_default_table_is_versioned_wtw_and_sourced() -> None:
    assert TABLE.version == "2026.1"
    assert TABLE.basis == "WTW"
    assert {row.mode for row in TABLE.factors} == set(Mode)
    assert all(row.source for row in TABLE.factors)


def test_leg_formula_and_record() -> None:
    leg = Leg(
        mode=Mode.ROAD, vehicle_class="articulated_truck", mass_t=Decimal("12.5"), distance_km=Decimal(800)
    )
    result = leg_emissions(leg, TABLE)
    assert result.tonne_km == Decimal(10_000)
    assert result.intensity_gco2e_per_tkm == Decimal(107)
    assert result.emissions_kgco2e == Decimal(1070)
    assert result.tier is DataQualityTier.DEFAULT
    assert result.factor_version == "2026.1"
    assert "DEFRA 2012" in result.factor_source


def test_region_specific_row_then_global_fallback() -> None:
    netherlands = leg_emissions(Leg(mode=Mode.ROAD, region="nl", mass_t=1, distance_km=1000), TABLE)
    china = leg_emissions(Leg(mode=Mode.ROAD, region="CN", mass_t=1, distance_km=1000), TABLE)
    assert (netherlands.intensity_gco2e_per_tkm, netherlands.factor_region) == (Decimal("90.3"), "NL")
    assert (china.intensity_gco2e_per_tkm, china.factor_region) == (Decimal(150), "GLOBAL")


def test_unknown_vehicle_class_names_what_is_missing() -> None:
    with pytest.raises(FactorNotFound, match="mode 'road', vehicle class 'van'"):
        leg_emissions(Leg(mode=Mode.ROAD, vehicle_class="van", mass_t=1, distance_km=1), TABLE)


def test_configured_override_replaces_and_adds_rows() -> None:
    overrides = [
        FactorRow(
            mode=Mode.ROAD, vehicle_class="van", intensity_gco2e_per_tkm=Decimal(550), source="buyer config"
        ),
        FactorRow(
            mode=Mode.ROAD,
            vehicle_class="average",
            region="CN",
            intensity_gco2e_per_tkm=Decimal(95),
            source="lane study",
            tier=DataQualityTier.MODELLED,
        ),
    ]
    table = TABLE.with_overrides(overrides, label="acme")
    van = leg_emissions(Leg(mode=Mode.ROAD, vehicle_class="van", mass_t=2, distance_km=10), table)
    lane = leg_emissions(Leg(mode=Mode.ROAD, region="CN", mass_t=1, distance_km=100), table)
    assert (van.emissions_kgco2e, van.factor_version, van.tier) == (
        Decimal(11),
        "2026.1+acme",
        DataQualityTier.DEFAULT,
    )
    assert (lane.intensity_gco2e_per_tkm, lane.tier) == (Decimal(95), DataQualityTier.MODELLED)
    assert len(TABLE.factors) < len(table.factors)  # the default table itself is unchanged


def test_carrier_intensity_beats_the_default() -> None:
    leg = Leg(
        mode=Mode.ROAD,
        mass_t=10,
        distance_km=100,
        carrier_data={
            "kind": "intensity",
            "intensity_gco2e_per_tkm": "62",
            "source": "Carrier X 2025 GLEC report",
        },
    )
    result = leg_emissions(leg, TABLE)
    assert (result.emissions_kgco2e, result.tier) == (Decimal(62), DataQualityTier.MODELLED)
    assert result.factor_version == "carrier:intensity"
    assert result.factor_source == "Carrier X 2025 GLEC report"


@pytest.mark.parametrize(("verified", "tier"), [(False, "primary"), (True, "primary_verified")])
def test_fuel_based_carrier_data_allocates_by_tonne_km(verified: bool, tier: str) -> None:
    carrier = {
        "kind": "fuel_based",
        "trip_emissions_kgco2e": "480",
        "trip_tonne_km": "6000",
        "source": "telematics",
        "verified": verified,
    }
    result = leg_emissions(
        Leg(mode=Mode.ROAD, vehicle_class="van", mass_t=2, distance_km=300, carrier_data=carrier), TABLE
    )
    assert result.intensity_gco2e_per_tkm == Decimal(80)
    assert result.emissions_kgco2e == Decimal(48)
    assert result.tier == tier


def test_shipment_total_and_worst_tier() -> None:
    legs = [
        Leg(mode=Mode.ROAD, vehicle_class="articulated_truck", mass_t=10, distance_km=200),
        Leg(mode=Mode.SEA, vehicle_class="container_ship_8000_teu_plus", mass_t=10, distance_km=18_000),
        Leg(
            mode=Mode.RAIL,
            mass_t=10,
            distance_km=500,
            carrier_data={
                "kind": "fuel_based",
                "trip_emissions_kgco2e": "900",
                "trip_tonne_km": "90000",
                "source": "x",
            },
        ),
    ]
    result = shipment_emissions(legs, TABLE)
    assert [leg.emissions_kgco2e for leg in result.legs] == [Decimal(214), Decimal(2286), Decimal(50)]
    assert result.total_kgco2e == Decimal(2550)
    assert result.total_tonne_km == Decimal(187_000)
    assert result.tier is DataQualityTier.DEFAULT
    assert result.model_dump(mode="json")["total_kgco2e"] == "2550.0"


def test_shipment_needs_a_leg() -> None:
    with pytest.raises(LogisticsError):
        shipment_emissions([], TABLE)


@pytest.mark.parametrize(
    "changes",
    [{"mass_t": 0}, {"distance_km": -5}, {"distance_km": "NaN"}, {"mode": "teleport"}, {"region": "Europe"}],
)
def test_bad_legs_are_validation_errors(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Leg.model_validate({"mode": "road", "mass_t": 1, "distance_km": 1} | changes)


def test_table_rejects_duplicate_rows_and_bad_basis(tmp_path: Path) -> None:
    row = (
        '[[factors]]\nmode = "rail"\nvehicle_class = "average"\n'
        'intensity_gco2e_per_tkm = "30"\nsource = "s"\n'
    )
    header = 'version = "t"\nunit = "gCO2e/tkm"\n'
    with pytest.raises(ValidationError, match="duplicate factor rows"):
        parse_factor_table(header + 'basis = "WTW"\n' + row + row)
    with pytest.raises(ValidationError):
        parse_factor_table(header + 'basis = "TTW"\n' + row)
    path = tmp_path / "factors.toml"
    path.write_text(header + 'basis = "WTW"\n' + row, encoding="utf-8")
    assert isinstance(load_factor_table(path), FactorTable)


@given(mass=amounts, distance=amounts, factor=st.sampled_from([Decimal(2), Decimal(3), Decimal("0.5")]))
def test_emissions_are_linear_in_mass_and_distance(mass: Decimal, distance: Decimal, factor: Decimal) -> None:
    def emissions(m: Decimal, d: Decimal) -> Decimal:
        leg = Leg(mode=Mode.SEA, vehicle_class="container_ship", mass_t=m, distance_km=d)
        return leg_emissions(leg, TABLE).emissions_kgco2e

    base = emissions(mass, distance)
    assert emissions(mass * factor, distance) == base * factor
    assert emissions(mass, distance * factor) == base * factor
    assert base == mass * distance * Decimal("20.3") / 1000


@given(first=amounts, second=amounts, distance=amounts)
def test_splitting_a_consignment_does_not_change_its_emissions(
    first: Decimal, second: Decimal, distance: Decimal
) -> None:
    def leg(mass: Decimal) -> Leg:
        return Leg(mode=Mode.RAIL, region="NL", mass_t=mass, distance_km=distance)

    whole = leg_emissions(leg(first + second), TABLE).emissions_kgco2e
    assert shipment_emissions([leg(first), leg(second)], TABLE).total_kgco2e == whole
