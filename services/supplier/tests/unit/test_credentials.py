from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from pydantic import TypeAdapter, ValidationError

from supplier.domain.credentials import (
    CREDENTIAL_TYPES,
    Credential,
    EcoVadisRating,
    GreenCodeGrade,
    GreenFactory,
    ManagementSystemCertificate,
    ProductCarbonCredential,
    add_years,
    parse_credential,
)


def common(**overrides: Any) -> dict[str, Any]:
    return {
        "number": "CERT-001",
        "issuer": "China Quality Certification Centre",
        "issued_on": "2024-03-01",
    } | overrides


VALID: dict[str, dict[str, Any]] = {
    "green_factory": {"level": "national", "list_year": 2024},
    "green_code_grade": {
        "grade": "A+",
        "year": 2025,
        "overall_position": {"rank": 12, "out_of": 5000},
        "industry_position": {"rank": 2, "out_of": 140, "industry_code": "C3825"},
    },
    "gscm_enterprise": {"designation_year": 2023},
    "green_park": {"designation_year": 2022},
    "green_product": {"designation_year": 2024},
    "iso_14001": {
        "standard": "ISO 14001:2015",
        "scope": "Design and manufacture",
        "expires_on": "2027-02-28",
    },
    "iso_50001": {"standard": "GB/T 23331-2020", "scope": "Plant A", "expires_on": "2027-02-28"},
    "iso_45001": {"standard": "ISO 45001:2018", "scope": "Plant A", "expires_on": "2027-02-28"},
    "iso_9001": {"standard": "ISO 9001:2015", "scope": "Plant A", "expires_on": "2027-02-28"},
    "iso_14064": {"inventory_year": 2023, "verification_statement": "VS-2024-17", "verifier": "SGS"},
    "product_footprint_verification": {
        "label_type": "footprint",
        "scheme": "ISO 14067",
        "value_kgco2e_per_declared_unit": "12.40",
        "declared_unit": "piece",
    },
    "carbon_label": {"label_type": "reduction", "scheme": "CNCA product carbon footprint label"},
    "pollutant_permit": {"expires_on": "2029-02-28"},
    "eia_approval": {},
    "cleaner_production_audit": {},
    "ecovadis": {"medal": "gold", "score": 68},
    "cdp": {"score": "B"},
}


def test_every_type_has_a_valid_example() -> None:
    assert set(VALID) == CREDENTIAL_TYPES


@pytest.mark.parametrize("credential_type", sorted(VALID))
def test_each_type_parses(credential_type: str) -> None:
    data = common(type=credential_type, **VALID[credential_type])
    credential = parse_credential(data)
    assert credential.type == credential_type
    assert TypeAdapter(Credential).validate_python(data) == credential


def test_common_fields_and_sites() -> None:
    site = uuid4()
    credential = parse_credential(
        common(type="green_factory", site_ids=[str(site)], **VALID["green_factory"])
    )
    assert isinstance(credential, GreenFactory)
    assert credential.site_ids == (site,)
    assert credential.issued_on == date(2024, 3, 1)


def test_expiry_before_issue_names_the_field() -> None:
    data = common(type="iso_14001", **VALID["iso_14001"] | {"expires_on": "2024-02-01"})
    with pytest.raises(ValidationError) as exc:
        parse_credential(data)
    [error] = exc.value.errors()
    assert error["loc"] == ("expires_on",)
    assert "must be after issued_on" in error["msg"]


def test_expiry_on_issue_day_is_rejected() -> None:
    with pytest.raises(ValidationError):
        parse_credential(common(type="eia_approval", expires_on="2024-03-01"))


def test_unknown_type_is_reported_at_type() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_credential(common(type="iso_27001"))
    [error] = exc.value.errors()
    assert error["loc"] == ("type",)
    assert "iso_27001" in error["msg"]
    assert "iso_14001" in error["msg"]


def test_missing_type_is_reported_at_type() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_credential(common())
    assert exc.value.errors()[0]["loc"] == ("type",)


@pytest.mark.parametrize(
    ("credential_type", "missing"),
    [
        ("green_factory", "level"),
        ("green_code_grade", "grade"),
        ("green_park", "designation_year"),
        ("iso_14001", "expires_on"),
        ("iso_9001", "scope"),
        ("iso_14064", "verifier"),
        ("carbon_label", "scheme"),
        ("pollutant_permit", "expires_on"),
        ("ecovadis", "medal"),
        ("cdp", "score"),
    ],
)
def test_type_specific_fields_are_required(credential_type: str, missing: str) -> None:
    fields = {k: v for k, v in VALID[credential_type].items() if k != missing}
    with pytest.raises(ValidationError) as exc:
        parse_credential(common(type=credential_type, **fields))
    assert (missing,) in [error["loc"] for error in exc.value.errors()]


def test_common_fields_are_required_and_not_blank() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_credential({"type": "eia_approval", "issuer": "  ", "issued_on": "2024-01-01"})
    locs = {error["loc"] for error in exc.value.errors()}
    assert locs == {("number",), ("issuer",)}


def test_unknown_field_is_rejected() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_credential(common(type="green_park", designation_year=2022, stars=5))
    assert exc.value.errors()[0]["loc"] == ("stars",)


def test_green_code_grade_values_and_positions() -> None:
    with pytest.raises(ValidationError):
        parse_credential(common(type="green_code_grade", grade="C", year=2025))
    bad_rank = VALID["green_code_grade"] | {"overall_position": {"rank": 10, "out_of": 5}}
    with pytest.raises(ValidationError) as exc:
        parse_credential(common(type="green_code_grade", **bad_rank))
    assert exc.value.errors()[0]["loc"] == ("overall_position",)
    minimal = parse_credential(common(type="green_code_grade", grade="B", year=2025))
    assert isinstance(minimal, GreenCodeGrade)
    assert minimal.overall_position is None


def test_management_system_certificate_keeps_its_standard() -> None:
    credential = parse_credential(common(type="iso_50001", **VALID["iso_50001"]))
    assert isinstance(credential, ManagementSystemCertificate)
    assert credential.standard == "GB/T 23331-2020"


def test_carbon_value_is_a_decimal_string() -> None:
    credential = parse_credential(common(type="carbon_label", **VALID["product_footprint_verification"]))
    assert isinstance(credential, ProductCarbonCredential)
    assert credential.value_kgco2e_per_declared_unit == Decimal("12.40")
    assert credential.model_dump(mode="json")["value_kgco2e_per_declared_unit"] == "12.40"


@pytest.mark.parametrize("value", [12.4, "12,4", "1e3", "NaN", ""])
def test_carbon_value_rejects_floats_and_junk(value: object) -> None:
    data = VALID["product_footprint_verification"] | {"value_kgco2e_per_declared_unit": value}
    with pytest.raises(ValidationError) as exc:
        parse_credential(common(type="carbon_label", **data))
    assert exc.value.errors()[0]["loc"] == ("value_kgco2e_per_declared_unit",)


def test_footprint_label_needs_value_and_unit() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_credential(common(type="carbon_label", label_type="footprint", scheme="CNCA"))
    assert exc.value.errors()[0]["loc"] == ("value_kgco2e_per_declared_unit",)
    with pytest.raises(ValidationError) as exc:
        parse_credential(
            common(
                type="carbon_label", label_type="footprint", scheme="CNCA", value_kgco2e_per_declared_unit="3"
            )
        )
    assert exc.value.errors()[0]["loc"] == ("declared_unit",)


def test_label_type_is_an_enumeration() -> None:
    with pytest.raises(ValidationError):
        parse_credential(common(type="carbon_label", label_type="green", scheme="x"))


def test_rating_defaults_to_twelve_months() -> None:
    credential = parse_credential(common(type="ecovadis", medal="silver", issued_on="2024-02-29"))
    assert isinstance(credential, EcoVadisRating)
    assert credential.expires_on == date(2025, 2, 28)


def test_rating_cannot_exceed_twelve_months() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_credential(common(type="cdp", score="A-", expires_on="2025-06-01"))
    [error] = exc.value.errors()
    assert error["loc"] == ("expires_on",)
    assert "12-month" in error["msg"]


def test_rating_may_expire_earlier() -> None:
    credential = parse_credential(common(type="cdp", score="A-", expires_on="2024-12-31"))
    assert credential.expires_on == date(2024, 12, 31)


def test_credentials_are_immutable() -> None:
    credential = parse_credential(common(type="green_park", designation_year=2022))
    with pytest.raises(ValidationError):
        credential.number = "other"  # type: ignore[misc]


def test_add_years_handles_leap_day() -> None:
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 3, 1), 1) == date(2025, 3, 1)
