"""Yearly performance use cases: report a year (stored, plausibility-checked, announced) and read.

An abnormal year is stored and flagged, never rejected; PerformanceReported (and, when abnormal,
PerformanceFlaggedAbnormal) go to the outbox in the same transaction as the row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, select
from sqlalchemy.dialects.postgresql import insert

from shared.contracts.supplier import PerformanceFlaggedAbnormal, PerformanceReported, ReportedFigure
from shared.events import EventContract
from supplier.adapters.orm import suppliers
from supplier.adapters.tables.performance import performance_years
from supplier.adapters.tables.sites import sites
from supplier.domain.errors import SupplierError, SupplierNotFound
from supplier.domain.performance import YearlyPerformance
from supplier.domain.plausibility import Anomaly, check_plausibility
from supplier.service_layer.unit_of_work import UnitOfWork


class PerformanceYearNotFound(SupplierError):
    def __init__(self, year: int, site_id: uuid.UUID | None) -> None:
        where = f" for site {site_id}" if site_id else ""
        super().__init__(f"No performance data reported for {year}{where}.")


class UnknownSite(SupplierError):
    """A site id that is not one of the supplier's sites; answered 422 naming the field."""

    def __init__(self, site_id: uuid.UUID, pointer: str = "#/site_id") -> None:
        super().__init__(f"Site {site_id} is not a site of this supplier.")
        self.extensions = {"errors": [{"pointer": pointer, "detail": str(self)}]}


@dataclass(frozen=True)
class CheckedYear:
    """A year ready to store: the validated figures and the plausibility verdict."""

    performance: YearlyPerformance
    anomalies: list[Anomaly]


def check_year(performance: YearlyPerformance, *, industry_code: str | None) -> CheckedYear:
    return CheckedYear(performance, check_plausibility(performance, industry_code=industry_code))


def report_performance(
    *, supplier_id: uuid.UUID, performance: YearlyPerformance, uow: UnitOfWork
) -> dict[str, Any]:
    """Store (or replace) one year; emits performance.reported and, if abnormal, flagged_abnormal."""
    with uow:
        industry_code = supplier_industry(uow.conn, supplier_id)
        if performance.site_id is not None:
            unknown = unknown_sites(uow.conn, supplier_id, {performance.site_id})
            if unknown:
                raise UnknownSite(performance.site_id)
        checked = check_year(performance, industry_code=industry_code)
        for event in store_years(uow.conn, supplier_id, [checked]):
            uow.publish(event)
        row = _find(uow.conn, supplier_id, performance.year, performance.site_id)
        uow.commit()
    assert row is not None  # just written in this transaction
    return dict(row)


def list_performance(*, supplier_id: uuid.UUID, uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every reported year of the supplier (all sites), newest year first."""
    with uow:
        supplier_industry(uow.conn, supplier_id)
        rows = uow.conn.execute(
            select(performance_years)
            .where(performance_years.c.supplier_id == supplier_id)
            .order_by(performance_years.c.year.desc(), performance_years.c.site_id.nulls_first())
        ).mappings()
        return [dict(row) for row in rows]


def get_performance(
    *, supplier_id: uuid.UUID, year: int, site_id: uuid.UUID | None, uow: UnitOfWork
) -> dict[str, Any]:
    with uow:
        supplier_industry(uow.conn, supplier_id)
        row = _find(uow.conn, supplier_id, year, site_id)
        if row is None:
            raise PerformanceYearNotFound(year, site_id)
        return dict(row)


def supplier_industry(conn: Connection, supplier_id: uuid.UUID) -> str:
    """The supplier's GB/T 4754 class (for plausibility ranges); SupplierNotFound if unknown."""
    code = conn.execute(select(suppliers.c.industry_code).where(suppliers.c.id == supplier_id)).scalar()
    if code is None:
        raise SupplierNotFound(supplier_id)
    return str(code)


def unknown_sites(conn: Connection, supplier_id: uuid.UUID, site_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Those of `site_ids` that are not sites of the supplier."""
    if not site_ids:
        return set()
    found = conn.execute(
        select(sites.c.id).where(sites.c.supplier_id == supplier_id, sites.c.id.in_(site_ids))
    ).scalars()
    return site_ids - set(found)


def store_years(
    conn: Connection, supplier_id: uuid.UUID, years: Sequence[CheckedYear]
) -> list[EventContract]:
    """Upsert the years in one statement (a re-report bumps the version); returns their events.

    The caller guarantees no two entries share (year, site): one statement cannot update a row twice.
    """
    if not years:
        return []
    now = datetime.now(UTC)
    upsert = insert(performance_years)
    statement = upsert.on_conflict_do_update(
        constraint="performance_years_key",
        set_={
            "data": upsert.excluded.data,
            "abnormal": upsert.excluded.abnormal,
            "abnormal_reasons": upsert.excluded.abnormal_reasons,
            "version": performance_years.c.version + 1,
            "updated_at": upsert.excluded.updated_at,
        },
    ).returning(performance_years.c.year, performance_years.c.site_id, performance_years.c.version)
    # executemany: one cached statement, sent as multi-row batches (SQLAlchemy's insertmanyvalues).
    rows = conn.execute(statement, [_row(supplier_id, checked, now) for checked in years])
    versions = {(row.year, row.site_id): row.version for row in rows}
    return [
        event
        for checked in years
        for event in year_events(
            supplier_id,
            checked,
            versions[(checked.performance.year, checked.performance.site_id)],
        )
    ]


def _row(supplier_id: uuid.UUID, checked: CheckedYear, now: datetime) -> dict[str, Any]:
    performance = checked.performance
    return {
        "id": uuid.uuid4(),
        "supplier_id": supplier_id,
        "year": performance.year,
        "site_id": performance.site_id,
        "data": performance.model_dump(mode="json", exclude={"year", "site_id"}, exclude_defaults=True),
        "abnormal": bool(checked.anomalies),
        "abnormal_reasons": [{"field": a.field, "reason": a.reason} for a in checked.anomalies],
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def year_events(supplier_id: uuid.UUID, checked: CheckedYear, version: int) -> list[EventContract]:
    """PerformanceReported, plus PerformanceFlaggedAbnormal when the year is abnormal."""
    performance, reasons = checked.performance, [str(a) for a in checked.anomalies]
    events: list[EventContract] = [
        PerformanceReported(
            supplier_id=supplier_id,
            year=performance.year,
            site_id=performance.site_id,
            version=version,
            figures=dict(flat_figures(performance)),
            ghg_verification_level=performance.ghg_verification_level,
            production_output_unit=performance.production_output_unit,
            abnormal=bool(reasons),
            abnormal_reasons=reasons,
        )
    ]
    if reasons:
        events.append(
            PerformanceFlaggedAbnormal(
                supplier_id=supplier_id,
                year=performance.year,
                site_id=performance.site_id,
                version=version,
                reasons=reasons,
            )
        )
    return events


def flat_figures(performance: YearlyPerformance) -> Iterable[tuple[str, ReportedFigure]]:
    """Figures under their event keys: ``scope3_cat4_tco2e``, ``pollutant_cod_pct_of_limit``."""
    for path, figure in performance.figures():
        field, _, key = path.partition(".")
        if field == "scope3_tco2e":
            name = f"scope3_cat{key}_tco2e"
        elif field == "pollutants_pct_of_limit":
            name = f"pollutant_{key}_pct_of_limit"
        else:
            name = field
        yield name, ReportedFigure(value=figure.value, tier=figure.tier)


def _find(
    conn: Connection, supplier_id: uuid.UUID, year: int, site_id: uuid.UUID | None
) -> RowMapping | None:
    site_clause = (
        performance_years.c.site_id.is_(None) if site_id is None else performance_years.c.site_id == site_id
    )
    return (
        conn.execute(
            select(performance_years).where(
                performance_years.c.supplier_id == supplier_id,
                performance_years.c.year == year,
                site_clause,
            )
        )
        .mappings()
        .first()
    )
