"""The gateway database schema (SQLAlchemy Core), created only by Alembic migrations."""

from sqlalchemy import (
    ARRAY,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.outbox import processed_events_table

metadata = MetaData()

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("url", String(2000), nullable=False),
    Column("event_types", ARRAY(String(200)), nullable=False),
    # The signing key must be usable to sign, so it cannot be hashed; it never leaves after creation.
    Column("secret", String(200), nullable=False),
    Column("enabled", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Compliance events as buyers receive them: the feed and the webhook bodies come from here.
events = Table(
    "events",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("supplier_id", Uuid, nullable=False, index=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("payload", JSONB, nullable=False),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("event_id", Uuid, ForeignKey("events.id"), nullable=False),
    Column("subscription_id", Uuid, ForeignKey("subscriptions.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("event_id", "subscription_id"),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", Uuid, ForeignKey("deliveries.id"), nullable=False, index=True),
    Column("attempted_at", DateTime(timezone=True), nullable=False),
    Column("status_code", Integer),
    Column("latency_ms", Integer, nullable=False),
    Column("error", Text),
    Column("response_excerpt", Text),
)

processed_events = processed_events_table(metadata)
