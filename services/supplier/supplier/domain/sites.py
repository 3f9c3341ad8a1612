"""A supplier's sites (facilities): address, coordinates and, where it differs, their own industry class."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.identifiers import industry_problem
from supplier.domain.errors import SupplierError
from supplier.domain.identifiers import CountryCode
from supplier.domain.model import merge_patch


class SiteNotFound(SupplierError):
    def __init__(self, supplier_id: object, site_id: object) -> None:
        super().__init__(f"Supplier {supplier_id} has no site with id {site_id}.")


class _Value(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Address(_Value):
    line: str = Field(min_length=1, max_length=500, description="street and number")
    city: str = Field(min_length=1, max_length=100)
    region: str | None = Field(default=None, max_length=100, description="province, state or region")
    postal_code: str | None = Field(default=None, max_length=20)
    country: CountryCode


class Coordinates(_Value):
    """WGS 84 position; latitude and longitude come together or not at all."""

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class SiteDetails(_Value):
    """What a site is, validated whole (a patch is merged into it first)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Mawei plant",
                    "address": {
                        "line": "8 Jiangbin East Road",
                        "city": "Fuzhou",
                        "region": "Fujian",
                        "postal_code": "350015",
                        "country": "CN",
                    },
                    "coordinates": {"latitude": 26.0, "longitude": 119.43},
                    "industry_code": "C3311",
                }
            ]
        }
    )

    name: str = Field(min_length=1, max_length=300)
    address: Address
    coordinates: Coordinates | None = None
    industry_code: str | None = Field(
        default=None, description="GB/T 4754 class where it differs from the supplier's; null: the supplier's"
    )

    @field_validator("industry_code")
    @classmethod
    def _valid_industry(cls, value: str | None) -> str | None:
        if value is not None and (problem := industry_problem(value)):
            raise ValueError(problem)
        return value


@dataclass
class Site:
    id: uuid.UUID
    supplier_id: uuid.UUID
    details: SiteDetails
    created_at: datetime
    version: int = 1

    @classmethod
    def create(cls, *, supplier_id: uuid.UUID, details: SiteDetails) -> Site:
        return cls(id=uuid.uuid4(), supplier_id=supplier_id, details=details, created_at=datetime.now(UTC))

    def apply_patch(self, patch: Mapping[str, Any]) -> list[str]:
        """Merge `patch` (RFC 7396) into the details; returns the changed fields and bumps the version.

        Raises pydantic's ValidationError when the merged details are invalid.
        """
        current = self.details
        merged = SiteDetails.model_validate(merge_patch(current.model_dump(mode="json"), patch))
        changed = [
            name for name in SiteDetails.model_fields if getattr(merged, name) != getattr(current, name)
        ]
        if changed:
            self.details = merged
            self.version += 1
        return changed
