import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from pydantic import ValidationError

from supplier.domain.footprints import ProductFootprint, SupersedeError, link_predecessor, supersede
from supplier.domain.identifiers import buyer_assigned_company_urn, is_urn, urn_key
from supplier.domain.pact import DeclaredUnit, FootprintStatus

OLD_ID = "3893bb5d-da16-4dc1-9185-11d97476c254"
NEW_ID = "f4b1225a-bd44-4c8e-861d-079e4e1dfd69"


def footprint(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": OLD_ID,
        "specVersion": "3.0.1",
        "created": "2026-02-01T10:00:00Z",
        "status": "Active",
        "companyName": "Xiamen Motor Parts Co., Ltd.",
        "companyIds": ["urn:pact:company:customcode:buyer-assigned:XMP-0042", "urn:uscc:91350100M000100Y43"],
        "productDescription": "Brushless DC motor, 48 V, 750 W",
        "productIds": ["urn:pact:product:customcode:buyer-assigned:BLDC-750", "urn:gtin:5695872369587"],
        "productNameCompany": "BLDC-750",
        "comment": "Cradle-to-gate; electricity from the provincial grid mix.",
        "pcf": {
            "declaredUnitOfMeasurement": "piece",
            "declaredUnitAmount": "1",
            "productMassPerDeclaredUnit": "3.2",
            "referencePeriodStart": "2025-01-01T00:00:00Z",
            "referencePeriodEnd": "2026-01-01T00:00:00Z",
            "geographyCountry": "CN",
            "boundaryProcessesDescription": "Raw materials, machining, winding, assembly, packaging",
            "pcfExcludingBiogenicUptake": "41.80",
            "pcfIncludingBiogenicUptake": "41.65",
            "fossilGhgEmissions": "41.70",
            "fossilCarbonContent": "0.9",
            "biogenicCO2Uptake": "-0.15",
            "exemptedEmissionsPercent": "1.5",
            "packagingEmissionsIncluded": True,
            "ipccCharacterizationFactors": ["AR6"],
            "crossSectoralStandards": ["ISO14067", "PACT-3.0"],
            "verification": {
                "coverage": "product level",
                "providerName": "TÜV SÜD",
                "standardName": "ISO 14064-3",
            },
        },
    }
    return data | overrides


def with_pcf(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(footprint())
    data["pcf"].update(changes)
    return data


def error_locs(data: dict[str, Any]) -> list[tuple[int | str, ...]]:
    with pytest.raises(ValidationError) as exc:
        ProductFootprint.model_validate(data)
    return [error["loc"] for error in exc.value.errors()]


def test_valid_footprint_round_trips_on_the_wire() -> None:
    data = footprint()
    fp = ProductFootprint.model_validate(data)
    assert fp.id == UUID(OLD_ID)
    assert fp.pcf.declared_unit_of_measurement is DeclaredUnit.PIECE
    assert fp.pcf.pcf_excluding_biogenic_uptake == Decimal("41.80")
    assert fp.pcf.biogenic_co2_uptake == Decimal("-0.15")
    assert fp.to_wire() == data


def test_wire_values_are_decimal_strings_and_utc() -> None:
    wire = ProductFootprint.model_validate(footprint(created="2026-02-01T18:00:00+08:00")).to_wire()
    assert wire["pcf"]["fossilGhgEmissions"] == "41.70"
    assert wire["created"] == "2026-02-01T10:00:00Z"
    assert "updated" not in wire


def test_snake_case_names_are_accepted_too() -> None:
    fp = ProductFootprint.model_validate(footprint())
    assert ProductFootprint.model_validate(fp.model_dump(by_alias=False)) == fp


def test_unmodelled_properties_are_kept() -> None:
    data = with_pcf(someFutureProperty="x")
    assert ProductFootprint.model_validate(data).to_wire()["pcf"]["someFutureProperty"] == "x"


@pytest.mark.parametrize(
    "urn", ["pact:company:x", "urn:pact", "urn:x:abc", "urn:pact:has space", "urn:-pact:x", ""]
)
def test_malformed_company_urn_names_the_field(urn: str) -> None:
    locs = error_locs(footprint(companyIds=[urn]))
    assert locs == [("companyIds", 0)]


def test_malformed_product_urn_names_the_field() -> None:
    assert error_locs(footprint(productIds=["urn:gtin:1", "SKU-1"])) == [("productIds", 1)]


def test_duplicate_urns_are_rejected_case_insensitively() -> None:
    assert error_locs(footprint(companyIds=["urn:pact:a:b", "URN:PACT:a:b"])) == [("companyIds",)]


def test_ids_must_not_be_empty() -> None:
    assert error_locs(footprint(productIds=[])) == [("productIds",)]


def test_exempted_emissions_above_five_percent() -> None:
    assert error_locs(with_pcf(exemptedEmissionsPercent="7")) == [("pcf", "exemptedEmissionsPercent")]


def test_reference_period_reversed() -> None:
    data = with_pcf(referencePeriodStart="2026-01-01T00:00:00Z", referencePeriodEnd="2025-01-01T00:00:00Z")
    assert error_locs(data) == [("pcf", "referencePeriodEnd")]


@pytest.mark.parametrize("field", ["pcfExcludingBiogenicUptake", "fossilGhgEmissions", "declaredUnitAmount"])
@pytest.mark.parametrize("value", [41.8, 41, "4.18e1", "", "forty"])
def test_emission_values_must_be_decimal_strings(field: str, value: object) -> None:
    assert error_locs(with_pcf(**{field: value})) == [("pcf", field)]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("declaredUnitAmount", "0"),
        ("fossilGhgEmissions", "-1"),
        ("biogenicCO2Uptake", "0.5"),
        ("declaredUnitOfMeasurement", "bushel"),
        ("geographyCountry", "XX"),
        ("geographyCountry", "cn"),
        ("ipccCharacterizationFactors", ["SAR"]),
        ("crossSectoralStandards", []),
        ("packagingEmissionsIncluded", "maybe"),
    ],
)
def test_pcf_field_errors_name_the_field(field: str, value: object) -> None:
    locs = error_locs(with_pcf(**{field: value}))
    assert all(loc[:2] == ("pcf", field) for loc in locs)


def test_required_pcf_fields() -> None:
    data = footprint()
    del data["pcf"]["fossilGhgEmissions"]
    assert error_locs(data) == [("pcf", "fossilGhgEmissions")]


def test_only_one_geography_level() -> None:
    data = with_pcf(geographyRegionOrSubregion="Eastern Asia")
    assert error_locs(data) == [("pcf",)]


@pytest.mark.parametrize("version", ["2.3.0", "3.0", "v3.0.0", "4.0.0"])
def test_spec_version_must_be_3x(version: str) -> None:
    assert error_locs(footprint(specVersion=version)) == [("specVersion",)]


def test_created_needs_an_offset() -> None:
    assert error_locs(footprint(created="2026-02-01T10:00:00")) == [("created",)]


def test_validity_period_rules() -> None:
    assert error_locs(footprint(validityPeriodStart="2025-06-01T00:00:00Z")) == [("validityPeriodStart",)]
    data = footprint(validityPeriodStart="2026-06-01T00:00:00Z", validityPeriodEnd="2026-05-01T00:00:00Z")
    assert error_locs(data) == [("validityPeriodEnd",)]


def test_supersede_returns_deprecated_copy() -> None:
    old = ProductFootprint.model_validate(footprint())
    new = ProductFootprint.model_validate(footprint(id=NEW_ID, created="2026-03-01T00:00:00Z"))
    deprecated = supersede(old, new)
    assert deprecated.status is FootprintStatus.DEPRECATED
    assert deprecated.updated == datetime(2026, 3, 1, tzinfo=UTC)
    assert deprecated.status_comment == f"Superseded by {NEW_ID}"
    assert deprecated.pcf == old.pcf
    assert old.status is FootprintStatus.ACTIVE  # the original is untouched
    assert ProductFootprint.model_validate(deprecated.to_wire()) == deprecated


def test_supersede_refuses_bad_pairs() -> None:
    old = ProductFootprint.model_validate(footprint())
    new = ProductFootprint.model_validate(footprint(id=NEW_ID, created="2026-03-01T00:00:00Z"))
    with pytest.raises(SupersedeError, match="itself"):
        supersede(old, old)
    with pytest.raises(SupersedeError, match="already Deprecated"):
        supersede(supersede(old, new), new)
    with pytest.raises(SupersedeError, match="must be Active"):
        supersede(old, new.model_copy(update={"status": FootprintStatus.DEPRECATED}))
    with pytest.raises(SupersedeError, match="before"):
        supersede(old, new, at=datetime(2020, 1, 1, tzinfo=UTC))


def test_link_predecessor() -> None:
    old = ProductFootprint.model_validate(footprint())
    new = ProductFootprint.model_validate(footprint(id=NEW_ID))
    linked = link_predecessor(new, old)
    assert linked.preceding_pf_ids == (UUID(OLD_ID),)
    assert linked.to_wire()["precedingPfIds"] == [OLD_ID]


def test_urn_helpers() -> None:
    urn = buyer_assigned_company_urn("供应商 7/A")
    assert urn.startswith("urn:pact:company:customcode:buyer-assigned:")
    assert is_urn(urn)
    assert urn_key("URN:PACT:x:Y") == "urn:pact:x:Y"
