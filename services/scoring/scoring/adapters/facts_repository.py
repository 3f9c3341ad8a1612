"""Reads the read model into SupplierRecords: one supplier's years, or a whole year in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, and_, select

from scoring.adapters.facts_mapping import (
    CredentialRow,
    FootprintRow,
    PerformanceRow,
    ShipmentYear,
    SupplierRecord,
)
from scoring.adapters.tables.read_model import (
    performance_flags,
    shipment_years,
    supplier_credentials,
    supplier_footprints,
    supplier_performance,
    supplier_profiles,
)


def industry_of(conn: Connection, supplier_id: UUID) -> str | None:
    return conn.execute(
        select(supplier_profiles.c.industry_code).where(supplier_profiles.c.supplier_id == supplier_id)
    ).scalar_one_or_none()


def years_with_data(conn: Connection, supplier_id: UUID) -> set[int]:
    """Years the supplier reported performance or shipments for."""
    reported = select(supplier_performance.c.year).where(supplier_performance.c.supplier_id == supplier_id)
    shipped = select(shipment_years.c.year).where(shipment_years.c.supplier_id == supplier_id)
    return set(conn.execute(reported.union(shipped)).scalars())


def load_record(conn: Connection, supplier_id: UUID, year: int, industry: str) -> SupplierRecord:
    """One supplier-year, read from each read-model table."""
    performance = _performance(
        conn, and_(supplier_performance.c.supplier_id == supplier_id, supplier_performance.c.year == year)
    )
    credentials = _credentials(conn, supplier_credentials.c.supplier_id == supplier_id)
    footprints = _footprints(conn, supplier_footprints.c.supplier_id == supplier_id)
    shipments = _shipments(
        conn, and_(shipment_years.c.supplier_id == supplier_id, shipment_years.c.year == year)
    )
    key = str(supplier_id)
    return SupplierRecord(
        supplier_id=key,
        industry=industry,
        year=year,
        performance=tuple(performance.get(key, ())),
        credentials=tuple(credentials.get(key, ())),
        footprints=tuple(footprints.get(key, ())),
        shipments=shipments.get(key),
    )


def load_year(conn: Connection, year: int) -> Iterable[SupplierRecord]:
    """Every registered supplier's record for ``year``: one query per table, grouped in memory."""
    profiles = conn.execute(
        select(supplier_profiles.c.supplier_id, supplier_profiles.c.industry_code).order_by(
            supplier_profiles.c.supplier_id
        )
    ).all()
    performance = _performance(conn, supplier_performance.c.year == year)
    credentials = _credentials(conn, None)
    footprints = _footprints(conn, None)
    shipments = _shipments(conn, shipment_years.c.year == year)
    for supplier_id, industry in profiles:
        key = str(supplier_id)
        yield SupplierRecord(
            supplier_id=key,
            industry=industry,
            year=year,
            performance=tuple(performance.get(key, ())),
            credentials=tuple(credentials.get(key, ())),
            footprints=tuple(footprints.get(key, ())),
            shipments=shipments.get(key),
        )


def _performance(conn: Connection, where: Any) -> dict[str, list[PerformanceRow]]:
    p, f = supplier_performance, performance_flags
    flagged = (
        select(f.c.reasons)
        .where(
            f.c.supplier_id == p.c.supplier_id,
            f.c.year == p.c.year,
            f.c.site_key == p.c.site_key,
            f.c.version == p.c.version,
        )
        .scalar_subquery()
    )
    query = select(
        p.c.supplier_id,
        p.c.site_key,
        p.c.version,
        p.c.figures,
        p.c.abnormal,
        p.c.abnormal_reasons,
        flagged.label("flag"),
    )
    grouped: dict[str, list[PerformanceRow]] = defaultdict(list)
    for row in conn.execute(query.where(where)):
        reasons = tuple(row.abnormal_reasons) + tuple(row.flag or ())
        grouped[str(row.supplier_id)].append(
            PerformanceRow(
                str(row.site_key), row.version, row.figures, row.abnormal or row.flag is not None, reasons
            )
        )
    return grouped


def _credentials(conn: Connection, where: Any) -> dict[str, list[CredentialRow]]:
    c = supplier_credentials
    query = select(
        c.c.supplier_id, c.c.credential_id, c.c.type, c.c.state, c.c.issued_on, c.c.expires_on, c.c.attributes
    )
    grouped: dict[str, list[CredentialRow]] = defaultdict(list)
    for row in conn.execute(query if where is None else query.where(where)):
        grouped[str(row.supplier_id)].append(
            CredentialRow(
                str(row.credential_id), row.type, row.state, row.issued_on, row.expires_on, row.attributes
            )
        )
    return grouped


def _footprints(conn: Connection, where: Any) -> dict[str, list[FootprintRow]]:
    f = supplier_footprints
    query = select(f.c.supplier_id, f.c.footprint_id, f.c.verified, f.c.published, f.c.deprecated)
    grouped: dict[str, list[FootprintRow]] = defaultdict(list)
    for row in conn.execute(query if where is None else query.where(where)):
        active = row.published and not row.deprecated
        grouped[str(row.supplier_id)].append(FootprintRow(str(row.footprint_id), row.verified, active))
    return grouped


def _shipments(conn: Connection, where: Any) -> dict[str, ShipmentYear]:
    s = shipment_years
    query = select(
        s.c.supplier_id, s.c.tonne_km, s.c.clean_tonne_km, s.c.primary_tonne_km, s.c.modelled_tonne_km
    )
    return {
        str(row.supplier_id): ShipmentYear(
            row.tonne_km, row.clean_tonne_km, row.primary_tonne_km, row.modelled_tonne_km
        )
        for row in conn.execute(query.where(where))
    }
