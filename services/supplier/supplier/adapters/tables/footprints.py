"""The footprints and shipments tables (SQLAlchemy Core), mirroring migration 0005.

A footprint row is never edited except to mark it Deprecated and link its successor: the PACT
document itself (`document`) is stored as published, and a change is a new row.
"""

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Numeric, String, Table, Uuid
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from supplier.adapters.orm import metadata

footprints = Table(
    "footprints",
    metadata,
    Column("id", Uuid, primary_key=True),  # the PACT ProductFootprint id
    Column("supplier_id", Uuid, ForeignKey("suppliers.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("document", JSONB, nullable=False),
    Column("preceded_by", Uuid, ForeignKey("footprints.id")),
    Column("superseded_by", Uuid, ForeignKey("footprints.id")),
    Column("product_ids", ARRAY(String), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("footprints_by_supplier", "supplier_id", "created_at"),
    Index("footprints_by_product", "product_ids", postgresql_using="gin"),
)

shipments = Table(
    "shipments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("supplier_id", Uuid, ForeignKey("suppliers.id"), nullable=False),
    Column("buyer_reference", String(200)),
    Column("shipped_on", Date, nullable=False),
    Column("legs", JSONB, nullable=False),
    Column("results", JSONB, nullable=False),
    Column("total_tonne_km", Numeric, nullable=False),
    Column("total_kgco2e", Numeric, nullable=False),
    Column("factor_version", String(100), nullable=False),
    Column("tier", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("shipments_by_supplier", "supplier_id", "shipped_on"),
)
