"""Request and response bodies of the buyer routes (supply base, compliance, policies, checks)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from gateway.domain.policies import PolicyRules, Token
from shared.identifiers import uscc_problem

SUPPLIER_ID = "0b9f1c2e-5f4a-4a53-9c61-3f0f4b6a8d21"
# \S admits NUL, which PostgreSQL text and jsonb cannot hold (the check's request is stored).
Urn = Annotated[
    str, StringConstraints(pattern=r"^[uU][rR][nN]:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[^\s\x00]{1,500}$")
]
NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL
# Bounded so that products of quantities (footprint x quantity, mass x distance x intensity) stay far
# inside Decimal's exponent range: an unbounded "1e999999" would overflow the arithmetic.
Positive = Annotated[Decimal, Field(gt=0, le=Decimal("1e12"), allow_inf_nan=False)]
_IN = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SupplyBaseAdd(BaseModel):
    model_config = ConfigDict(
        **_IN,
        json_schema_extra={
            "examples": [{"uscc": "91350100M000100Y43", "supplier_code": "V-10023", "category": "fasteners"}]
        },
    )

    uscc: str | None = Field(default=None, description="Unified social credit code; or give supplier_id")
    supplier_id: UUID | None = None
    supplier_code: str | None = Field(
        default=None, min_length=1, max_length=100, pattern=NO_NUL, description="Your own code"
    )
    category: str | None = Field(default=None, min_length=1, max_length=200, pattern=NO_NUL)

    @field_validator("uscc")
    @classmethod
    def _valid_uscc(cls, value: str | None) -> str | None:
        if value is not None and (problem := uscc_problem(value)):
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _one_identity(self) -> Self:
        if (self.uscc is None) == (self.supplier_id is None):
            raise ValueError("give exactly one of uscc and supplier_id")
        return self


class SupplyBaseEntryRead(BaseModel):
    supplier_id: UUID
    supplier_code: str | None
    category: str | None
    added_at: datetime


class SupplyBaseBulk(BaseModel):
    model_config = ConfigDict(
        **_IN,
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {"uscc": "91350100M000100Y43", "category": "fasteners"},
                        {"supplier_id": SUPPLIER_ID, "supplier_code": "V-2"},
                    ]
                }
            ]
        },
    )
    items: list[SupplyBaseAdd] = Field(min_length=1, max_length=1000)


class ItemProblem(BaseModel):
    status: int
    title: str
    detail: str | None = None
    errors: list[dict[str, str]] = Field(default_factory=list)


class BulkItemResult(BaseModel):
    index: int = Field(description="Position of the item in the request")
    status: Literal["created", "updated", "error"]
    entry: SupplyBaseEntryRead | None = None
    problem: ItemProblem | None = None


class BulkResult(BaseModel):
    created: int
    updated: int
    failed: int
    results: list[BulkItemResult]


class SupplyBasePage(BaseModel):
    items: list[SupplyBaseEntryRead]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class Grades(BaseModel):
    overall: str | None = Field(description="A+, A or B among all graded suppliers")
    industry: str | None = Field(description="A+, A or B within the supplier's industry")


class ExpiringCredentialRead(BaseModel):
    credential_id: str
    type: str
    expires_on: date
    days_left: int


class ComplianceRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": SUPPLIER_ID,
                    "year": 2025,
                    "model_version": "2026.1",
                    "band": "Qualified-plus",
                    "score": "81.5",
                    "grade": {"overall": "A", "industry": "A+"},
                    "gates": [{"gate": "G1", "passed": True}],
                    "failed_gates": [],
                    "expiring_credentials": [
                        {
                            "credential_id": "c1",
                            "type": "iso_14001",
                            "expires_on": "2026-12-31",
                            "days_left": 40,
                        }
                    ],
                    "scorecard_url": f"/v1/suppliers/{SUPPLIER_ID}/scorecards",
                }
            ]
        }
    )

    supplier_id: UUID
    year: int | None = Field(description="Year of the latest scorecard; null when there is none yet")
    model_version: str | None
    band: str | None
    score: Decimal | None = Field(description="0-100 as a decimal string")
    grade: Grades
    gates: list[dict[str, Any]] = Field(
        description="Gate results of the year (the batch lookup lists them only when a gate failed)"
    )
    failed_gates: list[str]
    expiring_credentials: list[ExpiringCredentialRead]
    scorecard_url: str


class ComplianceLookup(BaseModel):
    model_config = ConfigDict(
        **_IN, json_schema_extra={"examples": [{"supplier_ids": [SUPPLIER_ID], "expiring_within_days": 90}]}
    )
    supplier_ids: list[UUID] = Field(min_length=1, max_length=500)
    expiring_within_days: int = Field(default=90, ge=0, le=3650)


class ComplianceItem(BaseModel):
    supplier_id: UUID
    status: Literal["ok", "not_in_supply_base"]
    compliance: ComplianceRead | None = None


class ComplianceBatch(BaseModel):
    items: list[ComplianceItem]


class PolicyRead(BaseModel):
    name: str
    version: int
    rules: PolicyRules
    created_at: datetime


class ProductIn(BaseModel):
    model_config = _IN
    product_id: Urn = Field(description="Product URN, as in the supplier's PACT footprints")
    category: Token
    quantity: Positive
    declared_unit: Token | None = Field(default=None, description="Unit of the quantity, e.g. kilogram")


class LaneIn(BaseModel):
    model_config = _IN
    mode: Literal["road", "rail", "sea", "inland_waterway", "air"]
    distance_km: Positive
    mass_t: Positive | None = None
    intensity_gco2e_per_tkm: Positive | None = Field(
        default=None, description="Carrier intensity (ISO 14083, WTW); without it the lane is a condition"
    )


class CheckCreate(BaseModel):
    model_config = ConfigDict(
        **_IN,
        json_schema_extra={
            "examples": [
                {
                    "supplier_id": SUPPLIER_ID,
                    "policy": "default",
                    "products": [
                        {
                            "product_id": "urn:pact:product:gtin:04012345678901",
                            "category": "fasteners",
                            "quantity": "1200",
                            "declared_unit": "kilogram",
                        }
                    ],
                    "lanes": [
                        {
                            "mode": "road",
                            "distance_km": "850",
                            "mass_t": "1.2",
                            "intensity_gco2e_per_tkm": "95",
                        }
                    ],
                }
            ]
        },
    )
    supplier_id: UUID
    policy: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,99}$")] = "default"
    products: list[ProductIn] = Field(default_factory=list, max_length=500)
    lanes: list[LaneIn] = Field(default_factory=list, max_length=50)


class ReasonRead(BaseModel):
    clause: str = Field(description="The policy clause, e.g. min_band or required_credential:iso_14001")
    outcome: Literal["pass", "condition", "deny"]
    code: str
    detail: str
    evidence: dict[str, Any]


class PolicyRef(BaseModel):
    name: str
    version: int


class CheckRead(BaseModel):
    id: UUID
    supplier_id: UUID
    policy: PolicyRef
    decision: Literal["allow", "allow_with_conditions", "deny"]
    reasons: list[ReasonRead]
    evidence: dict[str, Any] = Field(description="Scorecard, credentials and footprints the check used")
    request: dict[str, Any]
    created_at: datetime


class CheckPage(BaseModel):
    items: list[CheckRead]
    next_cursor: str | None
