"""Yearly performance data of a supplier (DOMAIN.md §4), per year and optionally per site.

Every figure is a :class:`Figure`: a Decimal value with its data-quality tier. Units
are in the field names. Structural problems (text where a number belongs, an unknown
tier, an unknown field) are pydantic validation errors; implausible but well-formed
figures are not: see :mod:`supplier.domain.plausibility`, which flags the year as
abnormal instead of rejecting it. Every figure is optional here; whether a year is
complete enough to score is the scoring service's question.
"""

from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from supplier.domain.values import DataQualityTier, NonEmptyStr

Scope3Category = Annotated[int, Field(ge=1, le=15)]
"""GHG Protocol scope 3 category number (1 purchased goods … 15 investments)."""


class GhgVerificationLevel(StrEnum):
    NONE = "none"
    SELF_DECLARED = "self_declared"
    THIRD_PARTY_LIMITED = "third_party_limited"
    THIRD_PARTY_REASONABLE = "third_party_reasonable"


class Figure(BaseModel):
    """One reported number and how it was obtained. Accepts ``"12.5"`` or ``12.5``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Decimal = Field(allow_inf_nan=False)
    tier: DataQualityTier


class YearlyPerformance(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    year: int = Field(ge=2000, le=2100)
    site_id: UUID | None = None

    # Energy
    energy_kgce: Figure | None = None
    electricity_kwh: Figure | None = None
    renewable_electricity_share_pct: Figure | None = None
    # GHG inventory
    scope1_tco2e: Figure | None = None
    scope2_location_tco2e: Figure | None = None
    scope2_market_tco2e: Figure | None = None
    scope3_tco2e: dict[Scope3Category, Figure] = Field(default_factory=dict)
    ghg_verification_level: GhgVerificationLevel | None = None
    # Output, for intensities
    production_output: Figure | None = None
    production_output_unit: NonEmptyStr | None = Field(default=None, validate_default=True)
    value_added_cny: Figure | None = None
    # Water and waste
    water_intake_m3: Figure | None = None
    water_reuse_pct: Figure | None = None
    solid_waste_generated_t: Figure | None = None
    solid_waste_utilised_t: Figure | None = None
    hazardous_waste_t: Figure | None = None
    hazardous_waste_licensed_pct: Figure | None = None
    pollutants_pct_of_limit: dict[NonEmptyStr, Figure] = Field(default_factory=dict)
    # Materials and recovery
    green_material_use_rate_pct: Figure | None = None
    recycled_content_pct: Figure | None = None
    product_takeback_pct: Figure | None = None
    packaging_recovery_pct: Figure | None = None
    # Procurement
    tier1_spend_audited_pct: Figure | None = None
    low_risk_suppliers_pct: Figure | None = None
    rohs_reach_declared_parts_pct: Figure | None = None

    @field_validator("production_output_unit")
    @classmethod
    def _unit_with_output(cls, unit: str | None, info: ValidationInfo) -> str | None:
        if unit is None and info.data.get("production_output") is not None:
            raise ValueError("required when production_output is given (e.g. 't', 'piece')")
        return unit

    @property
    def solid_waste_utilisation_pct(self) -> Decimal | None:
        """Utilised / generated * 100, when both are reported and generation is positive."""
        generated, utilised = self.solid_waste_generated_t, self.solid_waste_utilised_t
        if generated is None or utilised is None or generated.value <= 0:
            return None
        return utilised.value / generated.value * 100

    def figures(self) -> Iterator[tuple[str, Figure]]:
        """Every reported figure with its path, e.g. ``"scope3_tco2e.4"`` or ``"energy_kgce"``."""
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Figure):
                yield name, value
            elif isinstance(value, dict):
                for key, figure in value.items():
                    yield f"{name}.{key}", figure
