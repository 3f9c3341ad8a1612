"""Writes to the read model, one function per kind of supplier fact.

Each write is guarded by the version the event carried, so applying the same facts in any order
leaves the same rows (a late, older snapshot changes nothing). Each returns whether anything changed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, literal
from sqlalchemy.dialects.postgresql import insert

from scoring.adapters.tables.read_model import (
    WHOLE_COMPANY,
    performance_flags,
    shipment_years,
    shipments,
    supplier_credentials,
    supplier_footprints,
    supplier_performance,
    supplier_profiles,
)
from shared.contracts.supplier import (
    CredentialSnapshot,
    FootprintPublished,
    PerformanceFlaggedAbnormal,
    PerformanceReported,
    ShipmentRecorded,
)

# Rail and water carry freight cleanly (GLEC); so do road vehicles with these in their class name.
CLEAN_MODES = frozenset({"rail", "sea", "inland_waterway"})
CLEAN_VEHICLE_MARKERS = ("electric", "bev", "fcev", "hydrogen", "lng", "cng")
PRIMARY_TIERS = frozenset({"primary", "primary_verified"})


def _upsert_newer(conn: Connection, table: Any, keys: list[str], values: dict[str, Any]) -> bool:
    """Insert, or replace when the incoming version is newer; True when a row was written."""
    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: statement.excluded[name] for name in values if name not in keys},
        where=table.c.version < statement.excluded.version,
    )
    return conn.execute(statement.returning(literal(1))).first() is not None


def save_profile(
    conn: Connection,
    *,
    supplier_id: UUID,
    legal_name: str,
    country: str,
    industry: str,
    version: int,
    uscc: str | None = None,
    registry_id: str | None = None,
) -> bool:
    values = {
        "supplier_id": supplier_id,
        "legal_name": legal_name,
        "country": country,
        "industry_code": industry,
        "uscc": uscc,
        "registry_id": registry_id,
        "version": version,
        "updated_at": datetime.now(UTC),
    }
    return _upsert_newer(conn, supplier_profiles, ["supplier_id"], values)


def save_credential(conn: Connection, *, supplier_id: UUID, snapshot: CredentialSnapshot) -> bool:
    values = {
        "credential_id": snapshot.credential_id,
        "supplier_id": supplier_id,
        "type": snapshot.type,
        "state": snapshot.state,
        "issued_on": snapshot.issued_on,
        "expires_on": snapshot.expires_on,
        "attributes": dict(snapshot.attributes),
        "version": snapshot.version,
        "updated_at": datetime.now(UTC),
    }
    return _upsert_newer(conn, supplier_credentials, ["credential_id"], values)


def site_key(site_id: UUID | None) -> UUID:
    return site_id or UUID(WHOLE_COMPANY)


def save_performance(conn: Connection, report: PerformanceReported) -> bool:
    figures = {name: {"value": str(f.value), "tier": f.tier} for name, f in report.figures.items()}
    values = {
        "supplier_id": report.supplier_id,
        "year": report.year,
        "site_key": site_key(report.site_id),
        "version": report.version,
        "figures": figures,
        "ghg_verification_level": report.ghg_verification_level,
        "abnormal": report.abnormal,
        "abnormal_reasons": list(report.abnormal_reasons),
        "updated_at": datetime.now(UTC),
    }
    return _upsert_newer(conn, supplier_performance, ["supplier_id", "year", "site_key"], values)


def save_abnormal_flag(conn: Connection, flagged: PerformanceFlaggedAbnormal) -> bool:
    statement = insert(performance_flags).values(
        supplier_id=flagged.supplier_id,
        year=flagged.year,
        site_key=site_key(flagged.site_id),
        version=flagged.version,
        reasons=list(flagged.reasons),
    )
    return conn.execute(statement.on_conflict_do_nothing().returning(literal(1))).first() is not None


def save_footprint(conn: Connection, published: FootprintPublished) -> bool:
    """A published footprint; a deprecation that arrived first is kept."""
    statement = insert(supplier_footprints).values(
        footprint_id=published.footprint_id,
        supplier_id=published.supplier_id,
        published=True,
        verified=published.verified,
        deprecated=False,
        reference_period_end=published.reference_period_end,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["footprint_id"],
        set_={
            "published": True,
            "verified": statement.excluded.verified,
            "reference_period_end": statement.excluded.reference_period_end,
        },
        where=~supplier_footprints.c.published,
    )
    return conn.execute(statement.returning(literal(1))).first() is not None


def deprecate_footprint(conn: Connection, *, supplier_id: UUID, footprint_id: UUID) -> bool:
    """Footprints are never edited, only deprecated; a deprecation may precede its publication."""
    statement = insert(supplier_footprints).values(
        footprint_id=footprint_id, supplier_id=supplier_id, published=False, verified=False, deprecated=True
    )
    statement = statement.on_conflict_do_update(
        index_elements=["footprint_id"],
        set_={"deprecated": True},
        where=~supplier_footprints.c.deprecated,
    )
    return conn.execute(statement.returning(literal(1))).first() is not None


def save_shipment(conn: Connection, shipment: ShipmentRecorded) -> bool:
    """Add a shipment to its year's sums once per shipment id."""
    new = conn.execute(
        insert(shipments)
        .values(shipment_id=shipment.shipment_id, supplier_id=shipment.supplier_id, year=shipment.year)
        .on_conflict_do_nothing()
        .returning(literal(1))
    ).first()
    if new is None:
        return False
    tier = shipment.data_quality_tier
    sums = {
        "shipments": 1,
        "tonne_km": shipment.tonne_km,
        "emissions_kgco2e": shipment.emissions_kgco2e,
        "clean_tonne_km": sum((leg.tonne_km for leg in shipment.legs if _clean(leg)), start=Decimal(0)),
        "primary_tonne_km": shipment.tonne_km if tier in PRIMARY_TIERS else Decimal(0),
        "modelled_tonne_km": shipment.tonne_km if tier == "modelled" else Decimal(0),
    }
    statement = insert(shipment_years).values(supplier_id=shipment.supplier_id, year=shipment.year, **sums)
    statement = statement.on_conflict_do_update(
        index_elements=["supplier_id", "year"],
        set_={name: shipment_years.c[name] + statement.excluded[name] for name in sums},
    )
    conn.execute(statement)
    return True


def _clean(leg: Any) -> bool:
    vehicle = leg.vehicle_class.lower()
    return leg.mode in CLEAN_MODES or any(marker in vehicle for marker in CLEAN_VEHICLE_MARKERS)
