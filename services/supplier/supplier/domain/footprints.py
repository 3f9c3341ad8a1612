"""Product carbon footprints in the PACT Tech Spec v3 data model (DOMAIN.md §5).

Field names are snake_case in Python and camelCase on the wire; emission values are
decimal *strings* on the wire, in kgCO2e per declared unit. Validation errors carry
the wire name in their location, e.g. ``("pcf", "exemptedEmissionsPercent")``.

Our rules on top of the v3 schema: ``specVersion`` must be 3.x (2.x is deprecated
since April 2026), and exempted emissions are capped at 5 % (DOMAIN.md; the 3.0
schema dropped the cap). A footprint is never edited: a change publishes a new one
and :func:`supersede` produces the deprecated copy of the old one.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Self
from uuid import UUID

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from supplier.domain.errors import SupplierError
from supplier.domain.identifiers import CountryCode, Urn
from supplier.domain.pact import (
    WIRE_CONFIG,
    DataModelExtension,
    DataQualityIndicators,
    DeclaredUnit,
    EmissionFactorSource,
    FootprintStatus,
    NegativeOrZeroDecimal,
    Percent,
    PositiveDecimal,
    PositiveOrZeroDecimal,
    ProductOrSectorSpecificRule,
    RegionOrSubregion,
    UniqueStrings,
    UniqueUrns,
    UtcDatetime,
    Verification,
    as_utc,
)
from supplier.domain.values import DecimalStr, NonEmptyStr

SPEC_VERSION_PATTERN = r"^3\.\d+\.\d+(-\d{8})?$"
MAX_EXEMPTED_EMISSIONS_PERCENT = Decimal(5)

_Urns = Annotated[tuple[Urn, ...], UniqueUrns]
_Strings = Annotated[tuple[NonEmptyStr, ...], UniqueStrings]
_Ipcc = Annotated[str, Field(pattern=r"^AR\d+$")]
_GEOGRAPHY = ("geography_region_or_subregion", "geography_country", "geography_country_subdivision")


class SupersedeError(SupplierError):
    """The pair of footprints cannot be a deprecation of one by the other."""


class CarbonFootprint(BaseModel):
    """The ``pcf`` object: values in kgCO2e (or kgC) per declared unit."""

    model_config = WIRE_CONFIG

    declared_unit_of_measurement: DeclaredUnit
    declared_unit_amount: PositiveDecimal
    product_mass_per_declared_unit: PositiveOrZeroDecimal
    reference_period_start: UtcDatetime
    reference_period_end: UtcDatetime
    geography_region_or_subregion: RegionOrSubregion | None = None
    geography_country: CountryCode | None = None
    geography_country_subdivision: Annotated[str, Field(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")] | None = None
    boundary_processes_description: str | None = None

    pcf_excluding_biogenic_uptake: DecimalStr
    pcf_including_biogenic_uptake: DecimalStr
    fossil_ghg_emissions: PositiveOrZeroDecimal
    fossil_carbon_content: PositiveOrZeroDecimal
    biogenic_carbon_content: PositiveOrZeroDecimal | None = None
    recycled_carbon_content: PositiveOrZeroDecimal | None = None
    land_use_change_ghg_emissions: PositiveOrZeroDecimal | None = None
    land_carbon_leakage: PositiveOrZeroDecimal | None = None
    land_management_fossil_ghg_emissions: PositiveOrZeroDecimal | None = None
    land_management_biogenic_co2_emissions: PositiveOrZeroDecimal | None = Field(
        default=None, alias="landManagementBiogenicCO2Emissions"
    )
    land_management_biogenic_co2_removals: NegativeOrZeroDecimal | None = Field(
        default=None, alias="landManagementBiogenicCO2Removals"
    )
    biogenic_co2_uptake: NegativeOrZeroDecimal | None = Field(default=None, alias="biogenicCO2Uptake")
    biogenic_non_co2_emissions: PositiveOrZeroDecimal | None = Field(
        default=None, alias="biogenicNonCO2Emissions"
    )
    land_area_occupation: PositiveOrZeroDecimal | None = None
    aircraft_ghg_emissions: PositiveOrZeroDecimal | None = None
    packaging_emissions_included: bool
    packaging_ghg_emissions: PositiveOrZeroDecimal | None = None
    packaging_biogenic_carbon_content: PositiveOrZeroDecimal | None = None
    outbound_logistics_ghg_emissions: PositiveOrZeroDecimal | None = None
    ccs_technological_co2_capture_included: bool | None = Field(
        default=None, alias="ccsTechnologicalCO2CaptureIncluded"
    )
    ccs_technological_co2_capture: NegativeOrZeroDecimal | None = Field(
        default=None, alias="ccsTechnologicalCO2Capture"
    )
    technological_co2_capture_origin: str | None = Field(default=None, alias="technologicalCO2CaptureOrigin")
    technological_co2_removals: NegativeOrZeroDecimal | None = Field(
        default=None, alias="technologicalCO2Removals"
    )
    ccu_carbon_content: PositiveOrZeroDecimal | None = None
    ccu_calculation_approach: Literal["Cut-off", "Credit"] | None = None
    ccu_credit_certification: str | None = None

    ipcc_characterization_factors: Annotated[tuple[_Ipcc, ...], UniqueStrings]
    cross_sectoral_standards: _Strings
    product_or_sector_specific_rules: tuple[ProductOrSectorSpecificRule, ...] | None = None
    exempted_emissions_percent: Annotated[DecimalStr, Field(ge=0, le=MAX_EXEMPTED_EMISSIONS_PERCENT)]
    exempted_emissions_description: str | None = None
    allocation_rules_description: str | None = None
    secondary_emission_factor_sources: tuple[EmissionFactorSource, ...] | None = None
    primary_data_share: Percent | None = None
    dqi: DataQualityIndicators | None = None
    verification: Verification | None = None

    @field_validator("reference_period_end")
    @classmethod
    def _period_in_order(cls, end: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("reference_period_start")
        if start is not None and end <= start:
            raise ValueError(f"must be after referencePeriodStart ({start.isoformat()})")
        return end

    @model_validator(mode="after")
    def _one_geography(self) -> Self:
        given = [name for name in _GEOGRAPHY if getattr(self, name) is not None]
        if len(given) > 1:
            names = " and ".join(type(self).model_fields[name].alias or name for name in given)
            raise ValueError(f"give at most one geography level, not {names}")
        return self


class ProductFootprint(BaseModel):
    """A PACT v3 ProductFootprint. ``pcf`` precedes the fields validated against it."""

    model_config = WIRE_CONFIG

    id: UUID
    spec_version: Annotated[str, Field(pattern=SPEC_VERSION_PATTERN)]
    preceding_pf_ids: Annotated[tuple[UUID, ...], UniqueStrings] | None = None
    created: UtcDatetime
    status: FootprintStatus
    status_comment: str | None = None
    company_name: NonEmptyStr
    company_ids: _Urns
    product_description: str
    product_ids: _Urns
    product_classifications: _Urns | None = None
    product_name_company: NonEmptyStr
    comment: str | None = None
    pcf: CarbonFootprint
    updated: UtcDatetime | None = None
    validity_period_start: UtcDatetime | None = None
    validity_period_end: UtcDatetime | None = None
    extensions: tuple[DataModelExtension, ...] | None = None

    @field_validator("updated")
    @classmethod
    def _updated_after_created(cls, updated: datetime | None, info: ValidationInfo) -> datetime | None:
        created = info.data.get("created")
        if updated is not None and created is not None and updated < created:
            raise ValueError(f"must not be before created ({created.isoformat()})")
        return updated

    @field_validator("validity_period_start")
    @classmethod
    def _validity_after_reference(cls, start: datetime | None, info: ValidationInfo) -> datetime | None:
        pcf = info.data.get("pcf")
        if start is not None and pcf is not None and start < pcf.reference_period_end:
            raise ValueError("must not be before pcf.referencePeriodEnd")
        return start

    @field_validator("validity_period_end")
    @classmethod
    def _validity_in_order(cls, end: datetime | None, info: ValidationInfo) -> datetime | None:
        start = info.data.get("validity_period_start")
        if end is not None and start is not None and end <= start:
            raise ValueError("must be after validityPeriodStart")
        return end

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready PACT form: camelCase, decimal strings, absent rather than null."""
        return self.model_dump(mode="json", exclude_none=True)


def supersede(
    old: ProductFootprint, new: ProductFootprint, *, at: datetime | None = None
) -> ProductFootprint:
    """The deprecated copy of ``old``, replaced by ``new`` at ``at`` (default: ``new.created``).

    Pure: stores nothing. Raises :class:`SupersedeError` if ``old`` is already
    deprecated, ``new`` is not active, or both are the same footprint.
    """
    if old.status is not FootprintStatus.ACTIVE:
        raise SupersedeError(f"footprint {old.id} is already {old.status}")
    if new.status is not FootprintStatus.ACTIVE:
        raise SupersedeError(f"the replacing footprint {new.id} must be Active, not {new.status}")
    if new.id == old.id:
        raise SupersedeError(f"footprint {old.id} cannot supersede itself")
    when = as_utc(at) if at is not None else new.created
    if when < old.created:
        raise SupersedeError(f"deprecation time {when.isoformat()} is before {old.id} was created")
    return old.model_copy(
        update={
            "status": FootprintStatus.DEPRECATED,
            "status_comment": f"Superseded by {new.id}",
            "updated": when,
        }
    )


def link_predecessor(new: ProductFootprint, old: ProductFootprint) -> ProductFootprint:
    """``new`` with ``old.id`` (and old's own predecessors) in ``precedingPfIds``."""
    preceding = dict.fromkeys([*(old.preceding_pf_ids or ()), old.id, *(new.preceding_pf_ids or ())])
    preceding.pop(new.id, None)
    return new.model_copy(update={"preceding_pf_ids": tuple(preceding)})
