"""Issued green codes and carbon labels (SQLAlchemy Core), mirroring migration 0004.

One row per signed token. At most one is current per subject: a supplier-year for a green code,
a footprint for a carbon label (a partial unique index guards it).
"""

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, Numeric, String, Table, Text, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB

from scoring.adapters.orm import metadata

issued_codes = Table(
    "issued_codes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(20), nullable=False),  # greencode | carbonlabel
    Column("supplier_id", Uuid, nullable=False),
    Column("year", Integer, nullable=False),
    Column("footprint_id", Uuid),
    Column("status", String(20), nullable=False),  # current | superseded | revoked
    Column("token", Text, nullable=False),
    Column("kid", String(100), nullable=False),
    Column("statement", JSONB, nullable=False),
    Column("superseded_by", Uuid),
    Column("reason", String(500)),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("valid_until", DateTime(timezone=True), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Index(
        "one_current_code",
        "kind",
        "supplier_id",
        "year",
        text("coalesce(footprint_id, '00000000-0000-0000-0000-000000000000'::uuid)"),
        unique=True,
        postgresql_where=text("status = 'current'"),
    ),
    Index("issued_codes_supplier", "supplier_id", "year"),
)

# What a carbon label states about a footprint, kept from FootprintPublished / FootprintDeprecated.
label_footprints = Table(
    "label_footprints",
    metadata,
    Column("footprint_id", Uuid, primary_key=True),
    Column("supplier_id", Uuid, nullable=False, index=True),
    Column("product_ids", JSONB, nullable=False),
    Column("classifications", JSONB, nullable=False),
    Column("declared_unit", String(40), nullable=False),
    Column("value_kgco2e", Numeric, nullable=False),
    Column("year", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("superseded_by", Uuid),
)
