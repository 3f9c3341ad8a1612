"""The sites table (SQLAlchemy Core), mirroring migration 0002."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
)

from supplier.adapters.orm import metadata

sites = Table(
    "sites",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("supplier_id", Uuid, ForeignKey("suppliers.id"), nullable=False),
    Column("name", String(300), nullable=False),
    Column("address_line", String(500), nullable=False),
    Column("city", String(100), nullable=False),
    Column("region", String(100)),
    Column("postal_code", String(20)),
    Column("country", String(2), nullable=False),
    Column("latitude", Double),
    Column("longitude", Double),
    Column("industry_code", String(10)),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("sites_by_supplier", "supplier_id", "created_at", "id"),
    CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="sites_coordinates_paired"),
)
