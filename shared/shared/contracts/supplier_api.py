"""HTTP contract of supplier registration, shared by the gateway (public edge) and the supplier service."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from shared.identifiers import industry_problem, uscc_problem

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
SupplierSize = Literal["micro", "small", "medium", "large"]
"""Enterprise size class (as in the national SME classification by industry, staff and revenue)."""

# Practical address syntax: one @, no spaces, a dot in the domain; deliverability is not checked.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)*\.[^@\s.]{2,}$")


class SupplierContact(BaseModel):
    """A person to contact at the supplier."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=254, description="e-mail address, e.g. 'li.wei@example.cn'")
    phone: str | None = Field(default=None, min_length=3, max_length=40)
    role: str | None = Field(default=None, max_length=100, description="e.g. 'sustainability manager'")

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an e-mail address such as 'li.wei@example.cn'")
        return value


class SupplierRegistration(BaseModel):
    """A supplier to register. Chinese suppliers are identified by USCC, others by a registry id."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "legal_name": "Fujian Green Fasteners Co., Ltd.",
                    "country": "CN",
                    "uscc": "91350100M000100Y43",
                    "industry_code": "C3825",
                }
            ]
        },
    )

    legal_name: str = Field(min_length=1, max_length=300)
    country: CountryCode = Field(description="ISO 3166-1 alpha-2 country code")
    uscc: str | None = Field(default=None, description="Unified social credit code (GB 32100-2015)")
    registry_id: str | None = Field(
        default=None,
        min_length=3,
        max_length=100,
        description="Company registry id outside China, e.g. 'DE:HRB 12345'",
    )
    industry_code: str = Field(description="GB/T 4754 industry class, e.g. 'C3825'")
    size: SupplierSize | None = None
    contacts: list[SupplierContact] = Field(default_factory=list, max_length=50)

    @field_validator("uscc")
    @classmethod
    def _valid_uscc(cls, value: str | None) -> str | None:
        if value is not None and (problem := uscc_problem(value)):
            raise ValueError(problem)
        return value

    @field_validator("industry_code")
    @classmethod
    def _valid_industry(cls, value: str) -> str:
        if problem := industry_problem(value):
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _identified(self) -> Self:
        if self.country == "CN" and self.uscc is None:
            raise ValueError("a supplier in China (country CN) needs its uscc")
        if self.country != "CN" and self.uscc is None and self.registry_id is None:
            raise ValueError("a supplier outside China needs a registry_id (or a uscc)")
        return self


class SupplierRead(BaseModel):
    id: UUID
    legal_name: str
    country: str
    uscc: str | None
    registry_id: str | None
    industry_code: str
    created_at: datetime
    size: SupplierSize | None = None
    contacts: list[SupplierContact] | None = None
    version: int | None = Field(default=None, description="increases with every change; the ETag")


# Routes that take files (certificate documents, bulk imports): they get the upload body limit,
# the same at the gateway and in the supplier service.
UPLOAD_PATHS = r"^/v1/suppliers/[^/]+/(credentials(/[^/]+/document)?|imports)/?$"
