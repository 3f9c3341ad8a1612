"""Organisations (tenants) and their API clients (SQLAlchemy Core), mirroring the migrations."""

from sqlalchemy import CheckConstraint, Column, DateTime, String, Table, Uuid, func

from gateway.adapters.orm import metadata

# A buyer, a supplier organisation (bound to its supplier record) or the platform operator.
organisations = Table(
    "organisations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("supplier_id", Uuid, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("kind IN ('buyer', 'supplier', 'platform')", name="organisation_kind"),
    CheckConstraint("(kind = 'supplier') = (supplier_id IS NOT NULL)", name="supplier_org_bound"),
)
