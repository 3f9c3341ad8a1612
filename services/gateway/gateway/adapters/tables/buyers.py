"""A buyer's supply base, policies and procurement checks (SQLAlchemy Core), mirroring the migrations."""

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

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

# One row per version: a change adds a version, old ones stay (checks reference them).
buyer_policies = Table(
    "buyer_policies",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("buyer_id", Uuid, ForeignKey(organisations.c.id), nullable=False),
    Column("name", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("rules", JSONB, nullable=False),
    Column("created_by", Uuid),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("buyer_id", "name", "version", name="buyer_policy_version"),
)

procurement_checks = Table(
    "procurement_checks",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("buyer_id", Uuid, ForeignKey(organisations.c.id), nullable=False),
    Column("supplier_id", Uuid, nullable=False),
    Column("request", JSONB, nullable=False),
    Column("decision", String(30), nullable=False),
    Column("reasons", JSONB, nullable=False),
    Column("policy_id", Uuid, ForeignKey(buyer_policies.c.id), nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("evidence", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_procurement_checks_buyer_created", "buyer_id", "created_at", "id"),
)

# A stored answer per (client, key) so a retried creating POST is answered, not repeated (24 h).
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("client_id", Uuid, primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("response_status", Integer, nullable=False),
    Column("response_body", JSONB, nullable=False),
    Column("response_headers", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_idempotency_keys_created_at", "created_at"),
)
