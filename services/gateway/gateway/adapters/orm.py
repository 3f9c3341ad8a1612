"""The gateway database schema (SQLAlchemy Core), created only by Alembic migrations."""

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
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
    # NULL: every supplier in the owner's supply base; otherwise only these (still within it).
    Column("supplier_ids", ARRAY(Uuid)),
    Column("description", String(500)),
    # Signing secrets are AES-GCM encrypted (gateway.delivery.secretbox): a signer needs the key
    # itself, so a hash would not do. During a rotation the previous secret signs too, until
    # previous_secret_expires_at.
    Column("secret_sealed", LargeBinary, nullable=False),
    Column("previous_secret_sealed", LargeBinary),
    Column("previous_secret_expires_at", DateTime(timezone=True)),
    Column("enabled", Boolean, nullable=False, server_default="true"),
    Column("disabled_reason", String(30)),  # manual | gone (410) | failing (the disable window)
    Column("first_failure_at", DateTime(timezone=True)),  # start of the current run of failures
    Column("version", Integer, nullable=False, server_default="1"),  # the ETag
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The buyer that owns it (added with tenants; older rows have none and are visible to nobody).
    Column("organisation_id", Uuid, ForeignKey("organisations.id"), index=True),
)

# Events as buyers receive them: the feed and the webhook bodies come from here. `seq` is the feed
# cursor; writers take an advisory lock first (gateway.service_layer.feed), so seq order is commit
# order and a reader polling `seq > cursor` never skips a late commit.
events = Table(
    "events",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("seq", BigInteger, Identity(), nullable=False, unique=True),
    Column("event_type", String(200), nullable=False),
    Column("supplier_id", Uuid, index=True),  # None for the gateway's own events
    Column("organisation_id", Uuid),  # the one buyer a gateway event is for; None otherwise
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now(), index=True),
    Column("payload", JSONB, nullable=False),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("event_id", Uuid, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column(
        "subscription_id",
        Uuid,
        ForeignKey("subscriptions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("status", String(20), nullable=False),  # pending | delivered | dead
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Per-(subscription, supplier) order: a delivery waits while an earlier event_seq is pending.
    Column("supplier_id", Uuid),
    Column("event_seq", BigInteger, nullable=False),
    # A worker's claim: while the lease runs nobody else sends it; an expired lease is reclaimable.
    Column("lease_token", Uuid),
    Column("lease_expires_at", DateTime(timezone=True)),
    Column("delivered_at", DateTime(timezone=True)),
    UniqueConstraint("event_id", "subscription_id"),
    Index("ix_deliveries_due", "status", "next_attempt_at"),
    Index(
        "ix_deliveries_pending_order",
        "subscription_id",
        "supplier_id",
        "event_seq",
        postgresql_where=text("status = 'pending'"),
    ),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", Uuid, ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("attempted_at", DateTime(timezone=True), nullable=False),
    Column("status_code", Integer),
    Column("latency_ms", Integer, nullable=False),
    Column("error", Text),
    Column("response_excerpt", Text),
)

processed_events = processed_events_table(metadata)
