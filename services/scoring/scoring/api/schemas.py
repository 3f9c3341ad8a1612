"""Response bodies of the scoring API. Decimals (scores, percentiles) travel as strings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field


class ScorecardSummary(BaseModel):
    supplier_id: UUID
    year: int
    model_version: str
    score: Decimal | None = Field(description="0-100; null when the year is Unrated")
    band: str = Field(description="Leading, Qualified-plus, Qualified, Conditional, Non-compliant or Unrated")
    reason: str
    rated: bool
    industry: str = Field(description="GB/T 4754 class the supplier is ranked in")
    grade: str | None = Field(description="relative grade overall: A+, A or B; null when not ranked")
    industry_grade: str | None = Field(description="relative grade within the industry")
    as_of: date = Field(description="the date the scorecard was computed for")


class Placement(BaseModel):
    rank: int
    size: int
    percentile: Decimal = Field(description="share of the population with a lower total, 0-100")
    grade: str | None


class ScorecardDetail(ScorecardSummary):
    overall: Placement | None
    in_industry: Placement | None
    card: dict[str, Any] = Field(
        description="the explained scorecard: groups, criteria (points, explanation, evidence ids), gates"
    )


class ScorecardRevision(BaseModel):
    revision: int
    recorded_at: datetime
    model_version: str
    score: Decimal | None
    band: str
    card: dict[str, Any]


class ScorecardBatch(BaseModel):
    items: list[ScorecardSummary]
    missing: list[UUID] = Field(description="requested suppliers without a scorecard (for the year)")


class RankingItem(BaseModel):
    supplier_id: UUID
    industry: str
    score: Decimal
    band: str
    grade: str | None
    rank: int
    percentile: Decimal


class RankingPage(BaseModel):
    year: int
    industry: str | None
    size: int
    items: list[RankingItem]
    next_cursor: str | None


class Distribution(BaseModel):
    year: int
    industry: str | None
    suppliers: int
    grades: dict[str, int] = Field(description="ranked suppliers per grade (within the industry if given)")
    bands: dict[str, int]


class ListEntry(BaseModel):
    supplier_id: UUID
    industry: str
    total: Decimal | None
    band: str
    grade: str | None
    industry_grade: str | None
    entered: bool = Field(description="not on the previous year's list")


class ListExit(BaseModel):
    supplier_id: UUID
    industry: str
    exit_reason: Literal["grade_lost", "gate_failed", "data_not_filed"]
    detail: str | None
    total: Decimal | None
    band: str


class GreenList(BaseModel):
    year: int
    model_version: str
    fixed_at: datetime
    size: int
    entries: list[ListEntry]
    entered: list[UUID]
    exited: list[ListExit]
