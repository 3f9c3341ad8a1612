"""What a green code and a carbon label state. The signed JWS payload is exactly one of these."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

ISSUER: Literal["greenchain"] = "greenchain"


class _Statement(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    iss: Literal["greenchain"] = ISSUER
    jti: UUID = Field(description="the code or label id")
    iat: int = Field(description="issue time, seconds since the epoch (UTC)")
    exp: int = Field(description="valid-until, seconds since the epoch (UTC)")
    supplier_id: UUID
    uscc: str | None = None
    registry_id: str | None = None
    legal_name: str
    year: int

    @property
    def issued_at(self) -> datetime:
        return datetime.fromtimestamp(self.iat, UTC)

    @property
    def valid_until(self) -> datetime:
        return datetime.fromtimestamp(self.exp, UTC)


class Position(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    grade: Literal["A+", "A", "B"]
    percentile: Decimal = Field(ge=0, le=100)
    rank: int = Field(ge=1)
    population: int = Field(ge=1)


class GreenCodeStatement(_Statement):
    """The enterprise green code of one supplier and year (DOMAIN.md §7)."""

    typ: Literal["greencode"] = "greencode"
    overall: Position
    industry: Position
    industry_code: str
    band: str
    score: Decimal
    model_version: str


class CarbonLabelStatement(_Statement):
    """A carbon label for one verified product footprint."""

    typ: Literal["carbonlabel"] = "carbonlabel"
    footprint_id: UUID
    product_ids: tuple[str, ...]
    label_type: Literal["footprint", "reduction", "carbon_neutral"]
    value_kgco2e: Decimal = Field(description="kgCO2e per declared unit")
    declared_unit: str
    boundary: Literal["cradle-to-gate", "cradle-to-grave"]
    reduction_pct: Decimal | None = Field(
        default=None, description="below the benchmark, for reduction labels"
    )
    benchmark_kgco2e: Decimal | None = None
    benchmark_version: str | None = None


Statement = GreenCodeStatement | CarbonLabelStatement
_STATEMENT: TypeAdapter[Statement] = TypeAdapter(Annotated[Statement, Field(discriminator="typ")])


def parse_statement(payload: bytes) -> Statement:
    """The statement of a verified payload; raises pydantic.ValidationError if it is neither kind."""
    return _STATEMENT.validate_json(payload)
