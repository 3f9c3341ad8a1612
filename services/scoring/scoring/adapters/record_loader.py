"""One supplier-year's record in a single round trip, for the consumer's per-event rescore.

The same rows as ``facts_repository.industry_of`` and ``load_record`` read in five queries, each
table's rows folded into a JSON array by a scalar subquery. Numerics come back as text
(JSON numbers would be floats) and dates as JSON's ISO 8601, parsed here, so the record equals the
five-query one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, text

from scoring.adapters.facts_mapping import (
    CredentialRow,
    FootprintRow,
    PerformanceRow,
    ShipmentYear,
    SupplierRecord,
)

_RECORD = text(
    """
    SELECT p.industry_code,
      (SELECT json_agg(json_build_array(
                sp.site_key, sp.version, sp.figures, sp.abnormal, sp.abnormal_reasons,
                (SELECT f.reasons FROM performance_flags f
                  WHERE f.supplier_id = sp.supplier_id AND f.year = sp.year
                    AND f.site_key = sp.site_key AND f.version = sp.version)))
         FROM supplier_performance sp
        WHERE sp.supplier_id = :supplier_id AND sp.year = :year) AS performance,
      (SELECT json_agg(json_build_array(
                c.credential_id, c.type, c.state, c.issued_on, c.expires_on, c.attributes))
         FROM supplier_credentials c WHERE c.supplier_id = :supplier_id) AS credentials,
      (SELECT json_agg(json_build_array(f.footprint_id, f.verified, f.published, f.deprecated))
         FROM supplier_footprints f WHERE f.supplier_id = :supplier_id) AS footprints,
      (SELECT json_build_array(s.tonne_km::text, s.clean_tonne_km::text,
                               s.primary_tonne_km::text, s.modelled_tonne_km::text)
         FROM shipment_years s WHERE s.supplier_id = :supplier_id AND s.year = :year) AS shipments
    FROM supplier_profiles p
    WHERE p.supplier_id = :supplier_id
    """
)


def load_supplier_year(conn: Connection, supplier_id: UUID, year: int) -> SupplierRecord | None:
    """The supplier's record for ``year``; None when the supplier has no profile yet."""
    row = conn.execute(_RECORD, {"supplier_id": supplier_id, "year": year}).first()
    if row is None:
        return None
    return SupplierRecord(
        supplier_id=str(supplier_id),
        industry=row.industry_code,
        year=year,
        performance=tuple(_performance(item) for item in row.performance or ()),
        credentials=tuple(_credential(item) for item in row.credentials or ()),
        footprints=tuple(
            FootprintRow(footprint_id, verified, published and not deprecated)
            for footprint_id, verified, published, deprecated in row.footprints or ()
        ),
        shipments=ShipmentYear(*(Decimal(value) for value in row.shipments)) if row.shipments else None,
    )


def _performance(item: list[Any]) -> PerformanceRow:
    site_key, version, figures, abnormal, abnormal_reasons, flag = item
    reasons = tuple(abnormal_reasons) + tuple(flag or ())
    return PerformanceRow(site_key, version, figures, abnormal or flag is not None, reasons)


def _credential(item: list[Any]) -> CredentialRow:
    credential_id, kind, state, issued_on, expires_on, attributes = item
    return CredentialRow(credential_id, kind, state, _date(issued_on), _date(expires_on), attributes)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None
