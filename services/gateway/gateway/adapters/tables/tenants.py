"""Organisations (tenants), their API clients and client secrets (SQLAlchemy Core), as migrated."""

from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    String,
    Table,
    Uuid,
    func,
)

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

# A machine identity of one organisation. Reviewers are clients of a platform organisation holding
# `reviews:write`: a reviewer acts through the same token flow, so a table of its own would add nothing.
api_clients = Table(
    "api_clients",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organisation_id", Uuid, ForeignKey(organisations.c.id), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("scopes", ARRAY(String(50)), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("disabled", Boolean, nullable=False, server_default="false"),
)

# Only argon2id hashes are stored. A rotated-out secret keeps working until `expires_at` (the overlap);
# a current secret has none.
client_secrets = Table(
    "client_secrets",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("client_id", Uuid, ForeignKey(api_clients.c.id), nullable=False, index=True),
    Column("secret_hash", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True)),
)
