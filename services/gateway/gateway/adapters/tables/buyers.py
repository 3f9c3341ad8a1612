"""A buyer's supply base, policies and procurement checks (SQLAlchemy Core), mirroring the migrations."""

from sqlalchemy import Column, DateTime, ForeignKey, String, Table, UniqueConstraint, Uuid, func

from gateway.adapters.orm import metadata
from gateway.adapters.tables.tenants import organisations

supply_base = Table(
    "supply_base",
    metadata,
    Column("buyer_id", Uuid, ForeignKey(organisations.c.id), primary_key=True),
    Column("supplier_id", Uuid, primary_key=True, index=True),
    Column("supplier_code", String(100)),
    Column("category", String(200)),
    Column("added_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("buyer_id", "supplier_code", name="supply_base_buyer_code"),
)
