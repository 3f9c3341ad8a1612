"""Request and response bodies of the supplier and site routes (the supplier record itself is the
shared contract `shared.contracts.supplier_api`, which the gateway uses too)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field, field_validator

from shared.contracts.supplier_api import SupplierRead
from supplier.api.pagination import PageQuery
from supplier.domain.credential_lifecycle import CredentialStatus
from supplier.domain.credentials import CREDENTIAL_TYPES
from supplier.domain.model import Supplier, SupplierFilter
from supplier.domain.sites import Address, Coordinates, Site


def supplier_read(supplier: Supplier) -> SupplierRead:
    return SupplierRead.model_validate(supplier, from_attributes=True)


class SupplierQuery(PageQuery):
    """Filters of the supplier list; all optional, combined with AND."""

    industry: str | None = Field(
        default=None,
        pattern=r"^[A-T]\d{0,4}$",
        description="GB/T 4754 code or prefix: C38 matches C3825",
    )
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    credential_type: str | None = Field(
        default=None, description="has a credential of this type, e.g. iso_14001"
    )
    credential_state: CredentialStatus | None = Field(
        default=None, description="has a credential in this state (with credential_type: the same one)"
    )
    expiring_within_days: int | None = Field(
        default=None,
        ge=0,
        le=3650,
        description="has a submitted or verified credential expiring between today and today + N days",
    )
    q: str | None = Field(default=None, min_length=1, max_length=100, description="legal name contains")

    @field_validator("credential_type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is not None and value not in CREDENTIAL_TYPES:
            raise ValueError(
                f"unknown credential type; expected one of: {', '.join(sorted(CREDENTIAL_TYPES))}"
            )
        return value

    def to_filter(self) -> SupplierFilter:
        return SupplierFilter(
            industry_prefix=self.industry,
            country=self.country,
            name_contains=self.q,
            credential_type=self.credential_type,
            credential_state=self.credential_state,
            expiring_within_days=self.expiring_within_days,
        )


class SiteRead(BaseModel):
    id: UUID
    supplier_id: UUID
    name: str
    address: Address
    coordinates: Coordinates | None
    industry_code: str | None = Field(description="the site's own GB/T 4754 class; null: the supplier's")
    version: int = Field(description="increases with every change; the ETag")
    created_at: datetime

    @classmethod
    def of(cls, site: Site) -> SiteRead:
        return cls(
            id=site.id,
            supplier_id=site.supplier_id,
            version=site.version,
            created_at=site.created_at,
            **dict(site.details),
        )
