"""Events the supplier service publishes on `supplier.events` (all `greenchain.supplier.*.v1`).

Each event carries the state a consumer needs (event-carried state transfer): the scoring service
builds its read model from these payloads alone and never calls back. Decimals travel as strings.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.topics import SUPPLIER_EVENTS
from shared.events import EventContract, contract


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class _SupplierEvent(EventContract):
    topic: ClassVar[str] = SUPPLIER_EVENTS


# --- suppliers ---------------------------------------------------------------------------------


@contract
class SupplierRegistered(_SupplierEvent):
    """A supplier was registered. Carries the whole record (event-carried state transfer)."""

    event_type: ClassVar[str] = "greenchain.supplier.registered.v1"

    legal_name: str
    country: str
    uscc: str | None = None
    registry_id: str | None = None
    industry_code: str
    size: str | None = None


@contract
class SupplierUpdated(_SupplierEvent):
    """A supplier's profile changed; carries the whole profile after the change and its version."""

    event_type: ClassVar[str] = "greenchain.supplier.updated.v1"

    version: int
    legal_name: str
    country: str
    uscc: str | None = None
    registry_id: str | None = None
    industry_code: str
    size: str | None = None
    changed_fields: list[str] = Field(default_factory=list)


# --- credentials -------------------------------------------------------------------------------


class CredentialSnapshot(_Part):
    """A credential as it stands after the change the event announces."""

    credential_id: UUID
    type: str = Field(description="catalogue key, e.g. iso_14001, green_factory, green_code_grade")
    state: str = Field(description="submitted, verified, rejected, revoked or expired")
    number: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    site_ids: list[UUID] = Field(default_factory=list)
    attributes: dict[str, str] = Field(
        default_factory=dict, description="type-specific fields as strings, e.g. grade A+, level national"
    )
    document_sha256: str | None = None
    version: int = 1


class _CredentialEvent(_SupplierEvent):
    credential: CredentialSnapshot


@contract
class CredentialSubmitted(_CredentialEvent):
    event_type: ClassVar[str] = "greenchain.supplier.credential.submitted.v1"


@contract
class CredentialVerified(_CredentialEvent):
    event_type: ClassVar[str] = "greenchain.supplier.credential.verified.v1"

    reviewer: str | None = None


@contract
class CredentialRejected(_CredentialEvent):
    event_type: ClassVar[str] = "greenchain.supplier.credential.rejected.v1"

    reviewer: str | None = None
    reason: str


@contract
class CredentialRevoked(_CredentialEvent):
    event_type: ClassVar[str] = "greenchain.supplier.credential.revoked.v1"

    reason: str | None = None


@contract
class CredentialExpired(_CredentialEvent):
    """The credential's expiry date (plus any grace period) has passed; it counts for nothing now."""

    event_type: ClassVar[str] = "greenchain.supplier.credential.expired.v1"


class ExpiringCredential(_Part):
    credential: CredentialSnapshot
    days_before: int = Field(description="the reminder threshold reached: 90, 60, 30 or 7")


@contract
class CredentialExpiring(_SupplierEvent):
    """Expiry reminders for one supplier, batched: every threshold reached in one scheduler round."""

    event_type: ClassVar[str] = "greenchain.supplier.credential.expiring.v1"

    reminders: list[ExpiringCredential] = Field(min_length=1)


# --- yearly performance ------------------------------------------------------------------------


class ReportedFigure(_Part):
    value: Decimal
    tier: str = Field(description="data-quality tier: primary_verified, primary, modelled or default")


@contract
class PerformanceReported(_SupplierEvent):
    """A year's performance data as reported (all of it, replacing any earlier report of that year/site).

    Figure keys carry their units (``energy_kgce``); scope 3 categories are ``scope3_cat<N>_tco2e`` and
    pollutants ``pollutant_<name>_pct_of_limit``.
    """

    event_type: ClassVar[str] = "greenchain.supplier.performance.reported.v1"

    year: int
    site_id: UUID | None = None
    version: int = 1
    figures: dict[str, ReportedFigure] = Field(default_factory=dict)
    ghg_verification_level: str | None = None
    production_output_unit: str | None = None
    abnormal: bool = False
    abnormal_reasons: list[str] = Field(default_factory=list)


@contract
class PerformanceFlaggedAbnormal(_SupplierEvent):
    """A year's data failed the plausibility checks: stored and flagged, not rejected."""

    event_type: ClassVar[str] = "greenchain.supplier.performance.flagged_abnormal.v1"

    year: int
    site_id: UUID | None = None
    version: int = 1
    reasons: list[str] = Field(min_length=1)


# --- footprints and shipments ------------------------------------------------------------------


@contract
class FootprintPublished(_SupplierEvent):
    """A PACT v3 product footprint was published; ``footprint`` is the full ProductFootprint document."""

    event_type: ClassVar[str] = "greenchain.supplier.footprint.published.v1"

    footprint_id: UUID
    product_ids: list[str]
    declared_unit: str
    pcf_excluding_biogenic_kgco2e: Decimal = Field(description="kgCO2e per declared unit")
    pcf_including_biogenic_kgco2e: Decimal | None = None
    reference_period_start: datetime
    reference_period_end: datetime
    verified: bool = False
    preceded_by: UUID | None = None
    footprint: dict[str, Any]


@contract
class FootprintDeprecated(_SupplierEvent):
    event_type: ClassVar[str] = "greenchain.supplier.footprint.deprecated.v1"

    footprint_id: UUID
    superseded_by: UUID | None = None


class ShipmentLegResult(_Part):
    mode: str
    vehicle_class: str
    distance_km: Decimal
    mass_t: Decimal
    tonne_km: Decimal
    intensity_gco2e_per_tkm: Decimal
    emissions_kgco2e: Decimal
    data_quality_tier: str
    factor_version: str
    factor_source: str


@contract
class ShipmentRecorded(_SupplierEvent):
    """A shipment to a buyer with its legs' ISO 14083 / GLEC emissions."""

    event_type: ClassVar[str] = "greenchain.supplier.shipment.recorded.v1"

    shipment_id: UUID
    buyer_reference: str | None = None
    shipped_on: date
    year: int
    tonne_km: Decimal
    emissions_kgco2e: Decimal
    intensity_gco2e_per_tkm: Decimal
    data_quality_tier: str
    factor_version: str
    legs: list[ShipmentLegResult] = Field(min_length=1)
