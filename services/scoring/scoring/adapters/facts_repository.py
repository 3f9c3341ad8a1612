"""Reads the read model into SupplierRecords: one supplier's years, or a whole year in bulk."""

from __future__ import annotations

import json
from collections import defaultdict
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


# One supplier's read-model rows for a year, as plain tuples (see load_year): (supplier_id,
# industry, performance rows, credential rows, footprint rows, shipment row or None).
YearRows = tuple[str, str, list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], Any]

# Each query leads with the supplier id as text, the key rows are grouped by; JSON stays text here
# and is parsed by record_of, which the yearly rescore runs in its worker processes.
_YEAR_QUERIES = {
    "performance": """
        SELECT p.supplier_id::text, p.site_key::text, p.version, p.figures::text, p.abnormal,
               p.abnormal_reasons::text, f.reasons::text
        FROM supplier_performance p
        LEFT JOIN performance_flags f ON (f.supplier_id, f.year, f.site_key, f.version)
                                       = (p.supplier_id, p.year, p.site_key, p.version)
        WHERE p.year = %(year)s""",
    "credentials": """
        SELECT supplier_id::text, credential_id::text, type, state, issued_on, expires_on,
               attributes::text
        FROM supplier_credentials""",
    "footprints": """
        SELECT supplier_id::text, footprint_id::text, verified, published, deprecated
        FROM supplier_footprints""",
    "shipments": """
        SELECT supplier_id::text, tonne_km, clean_tonne_km, primary_tonne_km, modelled_tonne_km
        FROM shipment_years WHERE year = %(year)s""",
}


def load_year(conn: Connection, year: int) -> list[YearRows]:
    """Every registered supplier's rows for ``year``, by supplier id: one query per table.

    Plain tuples from the driver, grouped in memory; ``record_of`` makes each a SupplierRecord.
    """
    raw: Any = conn.connection.dbapi_connection
    with raw.cursor() as cursor:
        grouped = {name: _grouped(cursor, query, year) for name, query in _YEAR_QUERIES.items()}
        cursor.execute("SELECT supplier_id::text, industry_code FROM supplier_profiles ORDER BY supplier_id")
        profiles = cursor.fetchall()
    performance, credentials, footprints = (
        grouped["performance"], grouped["credentials"], grouped["footprints"]
    )  # fmt: skip
    shipments = grouped["shipments"]
    none: list[tuple[Any, ...]] = []
    return [
        (
            key,
            industry,
            performance.get(key, none),
            credentials.get(key, none),
            footprints.get(key, none),
            shipped[0] if (shipped := shipments.get(key)) else None,
        )
        for key, industry in profiles
    ]


def _grouped(cursor: Any, query: str, year: int) -> dict[str, list[tuple[Any, ...]]]:
    cursor.execute(query, {"year": year})
    grouped: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in cursor.fetchall():
        grouped[row[0]].append(row)
    return grouped


def record_of(rows: YearRows, year: int) -> SupplierRecord:
    """The SupplierRecord of one supplier's ``load_year`` rows (as ``load_record`` would read it)."""
    key, industry, performance, credentials, footprints, shipment = rows
    loads = json.loads
    return SupplierRecord(
        supplier_id=key,
        industry=industry,
        year=year,
        performance=tuple(_performance_row(*row[1:]) for row in performance),
        credentials=tuple(
            CredentialRow(credential, kind, state, issued, expires, loads(attributes))
            for _, credential, kind, state, issued, expires, attributes in credentials
        ),
        footprints=tuple(
            FootprintRow(footprint, verified, published and not deprecated)
            for _, footprint, verified, published, deprecated in footprints
        ),
        shipments=ShipmentYear(*shipment[1:]) if shipment is not None else None,
    )


def _performance_row(
    site_key: str, version: int, figures: str, abnormal: bool, reasons: str, flag_text: str | None
) -> PerformanceRow:
    flag = json.loads(flag_text) if flag_text is not None else None
    return PerformanceRow(
        site_key,
        version,
        json.loads(figures),
        abnormal or flag is not None,
        tuple(json.loads(reasons)) + tuple(flag or ()),
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
