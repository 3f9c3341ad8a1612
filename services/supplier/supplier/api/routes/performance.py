"""Yearly performance data: one year per supplier (optionally per site), plausibility-checked."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from shared.problems import Problem
from supplier.api.dependencies import UowDep
from supplier.domain.performance import YearlyPerformance
from supplier.service_layer import performance as service

router = APIRouter(prefix="/v1/suppliers/{supplier_id}/performance", tags=["performance"])

Year = Annotated[int, Path(ge=2000, le=2100, description="Reporting year")]
SiteQuery = Annotated[UUID | None, Query(description="A site of the supplier; omit for the whole supplier")]


class PerformanceReport(YearlyPerformance):
    """The year's figures; `year` and `site_id` come from the path and query (if repeated, must match)."""

    year: int | None = Field(default=None, ge=2000, le=2100)  # type: ignore[assignment]


class Anomaly(BaseModel):
    field: str
    reason: str


class PerformanceYearRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    supplier_id: UUID
    year: int
    site_id: UUID | None
    version: int
    abnormal: bool
    abnormal_reasons: list[Anomaly]
    data: dict[str, Any] = Field(description="The reported figures, each {value, tier}; decimals as strings")
    created_at: datetime
    updated_at: datetime


@router.put("/{year}")
def report_year(
    supplier_id: UUID, year: Year, body: PerformanceReport, uow: UowDep, site_id: SiteQuery = None
) -> PerformanceYearRead:
    """Report (or replace) a year's figures. Implausible figures do not fail the request: the year is
    stored with `abnormal: true` and the reasons. Publishes greenchain.supplier.performance.reported.v1
    and, when abnormal, greenchain.supplier.performance.flagged_abnormal.v1."""
    performance = _with_key(body, year=year, site_id=site_id)
    row = service.report_performance(supplier_id=supplier_id, performance=performance, uow=uow)
    return PerformanceYearRead.model_validate(row)


@router.get("")
def list_years(supplier_id: UUID, uow: UowDep) -> list[PerformanceYearRead]:
    """Every reported year of the supplier, newest first, supplier-wide rows before site rows."""
    rows = service.list_performance(supplier_id=supplier_id, uow=uow)
    return [PerformanceYearRead.model_validate(row) for row in rows]


@router.get("/{year}")
def get_year(supplier_id: UUID, year: Year, uow: UowDep, site_id: SiteQuery = None) -> PerformanceYearRead:
    """One reported year (supplier-wide, or of `site_id`)."""
    row = service.get_performance(supplier_id=supplier_id, year=year, site_id=site_id, uow=uow)
    return PerformanceYearRead.model_validate(row)


def _with_key(body: PerformanceReport, *, year: int, site_id: UUID | None) -> YearlyPerformance:
    errors = []
    if body.year is not None and body.year != year:
        errors.append({"pointer": "#/year", "detail": f"the body says {body.year}, the path {year}"})
    if body.site_id is not None and site_id is not None and body.site_id != site_id:
        errors.append({"pointer": "#/site_id", "detail": "differs from the site_id query parameter"})
    if errors:
        raise Problem(422, "Invalid request", "The body contradicts the path.", errors=errors)
    return YearlyPerformance.model_validate(dict(body) | {"year": year, "site_id": site_id or body.site_id})
