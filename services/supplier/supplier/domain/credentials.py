"""Credential types a supplier uploads as evidence (DOMAIN.md §3).

Each type is its own pydantic model with its own required fields; ``type`` is the
discriminator. Use :func:`parse_credential` for input: unlike a plain discriminated
union it reports errors at the field itself (``loc == ("expires_on",)``), which maps
straight onto a problem+json field pointer.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, Self, get_args
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from supplier.domain.values import DecimalStr, NonEmptyStr

Year = Annotated[int, Field(ge=1990, le=2100)]
IndustryCode = Annotated[str, Field(pattern=r"^[A-T](\d{2}|\d{3}|\d{4})?$")]
"""A GB/T 4754 class code such as ``C3825`` (section letter, then 2-4 digits)."""

RATING_VALIDITY_YEARS = 1


def add_years(day: date, years: int) -> date:
    """Same calendar day ``years`` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class CredentialBase(BaseModel):
    """Fields every credential has. ``site_ids`` empty means the whole organisation."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    type: str
    number: NonEmptyStr
    issuer: NonEmptyStr
    scope: str | None = None
    site_ids: tuple[UUID, ...] = ()
    issued_on: date
    expires_on: date | None = None

    @field_validator("expires_on")
    @classmethod
    def _expires_after_issue(cls, expires_on: date | None, info: ValidationInfo) -> date | None:
        issued_on = info.data.get("issued_on")
        if expires_on is not None and issued_on is not None and expires_on <= issued_on:
            raise ValueError(f"expires_on ({expires_on}) must be after issued_on ({issued_on})")
        return expires_on


class GreenFactory(CredentialBase):
    """Green factory designation; the list changes yearly (entry and exit)."""

    type: Literal["green_factory"]
    level: Literal["national", "provincial", "municipal"]
    list_year: Year


class Position(BaseModel):
    """A rank among ``out_of`` factories (1 = best)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rank: int = Field(ge=1)
    out_of: int = Field(ge=1)

    @model_validator(mode="after")
    def _rank_within_total(self) -> Self:
        if self.rank > self.out_of:
            raise ValueError(f"rank {self.rank} is beyond out_of {self.out_of}")
        return self


class IndustryPosition(Position):
    industry_code: IndustryCode


class GreenCodeGrade(CredentialBase):
    """Enterprise green code: A+ / A / B = top 5% / next 35% / remaining 60%."""

    type: Literal["green_code_grade"]
    grade: Literal["A+", "A", "B"]
    year: Year
    overall_position: Position | None = None
    industry_position: IndustryPosition | None = None


class GreenDesignation(CredentialBase):
    type: Literal["gscm_enterprise", "green_park", "green_product"]
    designation_year: Year


class ManagementSystemCertificate(CredentialBase):
    """ISO 14001 / 50001 (or GB/T 23331) / 45001 / 9001: read the expiry from the certificate."""

    type: Literal["iso_14001", "iso_50001", "iso_45001", "iso_9001"]
    standard: NonEmptyStr
    scope: NonEmptyStr
    expires_on: date


class GhgInventoryVerification(CredentialBase):
    """ISO 14064-1 organisation inventory with its ISO 14064-3 verification statement."""

    type: Literal["iso_14064"]
    inventory_year: Year
    verification_statement: NonEmptyStr
    verifier: NonEmptyStr
    assurance_level: Literal["limited", "reasonable"] | None = None


class ProductCarbonCredential(CredentialBase):
    """ISO 14067 / PACT footprint verification, or a carbon label.

    A ``reduction`` or ``carbon_neutral`` label may carry no number; a ``footprint``
    label must state its value in kgCO2e per declared unit.
    """

    type: Literal["product_footprint_verification", "carbon_label"]
    label_type: Literal["footprint", "reduction", "carbon_neutral"]
    scheme: NonEmptyStr
    value_kgco2e_per_declared_unit: DecimalStr | None = Field(default=None, validate_default=True)
    declared_unit: NonEmptyStr | None = Field(default=None, validate_default=True)
    product_name: NonEmptyStr | None = None
    footprint_id: UUID | None = None

    @field_validator("value_kgco2e_per_declared_unit")
    @classmethod
    def _footprint_has_value(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if value is None and info.data.get("label_type") == "footprint":
            raise ValueError("required for a footprint label (kgCO2e per declared unit)")
        return value

    @field_validator("declared_unit")
    @classmethod
    def _value_has_unit(cls, unit: str | None, info: ValidationInfo) -> str | None:
        if unit is None and info.data.get("value_kgco2e_per_declared_unit") is not None:
            raise ValueError("required when value_kgco2e_per_declared_unit is given")
        return unit


class PollutantPermit(CredentialBase):
    """Pollutant discharge permit (gate evidence); permits are issued for a fixed term."""

    type: Literal["pollutant_permit"]
    expires_on: date


class GateEvidence(CredentialBase):
    """Environmental impact approval or cleaner-production audit (gate evidence)."""

    type: Literal["eia_approval", "cleaner_production_audit"]


class _Rating(CredentialBase):
    """Third-party rating, valid 12 months: the expiry defaults to that and may not exceed it."""

    expires_on: date | None = Field(default=None, validate_default=True)

    @field_validator("expires_on")
    @classmethod
    def _twelve_months(cls, expires_on: date | None, info: ValidationInfo) -> date | None:
        issued_on = info.data.get("issued_on")
        if issued_on is None:
            return expires_on
        limit = add_years(issued_on, RATING_VALIDITY_YEARS)
        if expires_on is not None and expires_on > limit:
            raise ValueError(f"expires_on ({expires_on}) is beyond the 12-month validity ({limit})")
        return expires_on or limit


class EcoVadisRating(_Rating):
    type: Literal["ecovadis"]
    medal: Literal["platinum", "gold", "silver", "bronze"]
    score: int | None = Field(default=None, ge=0, le=100)


class CdpScore(_Rating):
    type: Literal["cdp"]
    score: Literal["A", "A-", "B", "B-", "C", "C-", "D", "D-", "F"]
    questionnaire: Literal["climate", "water", "forests"] = "climate"


CREDENTIAL_MODELS: tuple[type[CredentialBase], ...] = (
    GreenFactory,
    GreenCodeGrade,
    GreenDesignation,
    ManagementSystemCertificate,
    GhgInventoryVerification,
    ProductCarbonCredential,
    PollutantPermit,
    GateEvidence,
    EcoVadisRating,
    CdpScore,
)

Credential = Annotated[
    GreenFactory
    | GreenCodeGrade
    | GreenDesignation
    | ManagementSystemCertificate
    | GhgInventoryVerification
    | ProductCarbonCredential
    | PollutantPermit
    | GateEvidence
    | EcoVadisRating
    | CdpScore,
    Field(discriminator="type"),
]
"""The discriminated union, for embedding in API schemas (its error locations start with the tag)."""

_MODEL_BY_TYPE: dict[str, type[CredentialBase]] = {
    tag: model for model in CREDENTIAL_MODELS for tag in get_args(model.model_fields["type"].annotation)
}
CREDENTIAL_TYPES: frozenset[str] = frozenset(_MODEL_BY_TYPE)


def parse_credential(data: Mapping[str, Any]) -> CredentialBase:
    """Validate a credential of any type; raises ``pydantic.ValidationError`` (→ 422).

    An unknown or missing ``type`` is reported at ``loc == ("type",)``.
    """
    tag = data.get("type")
    model = _MODEL_BY_TYPE.get(tag) if isinstance(tag, str) else None
    if model is None:
        expected = ", ".join(sorted(CREDENTIAL_TYPES))
        error = PydanticCustomError(
            "credential_type",
            "unknown credential type '{tag}'; expected one of: {expected}",
            {"tag": tag, "expected": expected},
        )
        detail = InitErrorDetails(type=error, loc=("type",), input=tag)
        raise ValidationError.from_exception_data("Credential", [detail])
    return model.model_validate(data)
