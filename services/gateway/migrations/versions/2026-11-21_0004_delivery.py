"""delivery: subscription filters, secret rotation, ordering, the event feed

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

import os

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_CASCADES = [  # (table, column, referenced table): rows that die with their event or subscription
    ("deliveries", "event_id", "events"),
    ("deliveries", "subscription_id", "subscriptions"),
    ("delivery_attempts", "delivery_id", "deliveries"),
]


def upgrade() -> None:
    _subscriptions()
    _events()
    _deliveries()
    op.create_table(
        "event_recipients",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("event_seq", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id", "event_seq"),
    )
    op.create_index("ix_event_recipients_event_id", "event_recipients", ["event_id"])
    op.create_table(
        "feed_retention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purged_through_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO feed_retention (id, purged_through_seq) VALUES (1, 0)")


def _subscriptions() -> None:
    op.add_column("subscriptions", sa.Column("supplier_ids", sa.ARRAY(sa.Uuid()), nullable=True))
    op.add_column("subscriptions", sa.Column("description", sa.String(length=500), nullable=True))
    op.add_column("subscriptions", sa.Column("secret_sealed", sa.LargeBinary(), nullable=True))
    op.add_column("subscriptions", sa.Column("previous_secret_sealed", sa.LargeBinary(), nullable=True))
    op.add_column(
        "subscriptions", sa.Column("previous_secret_expires_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("subscriptions", sa.Column("disabled_reason", sa.String(length=30), nullable=True))
    op.add_column("subscriptions", sa.Column("first_failure_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("subscriptions", sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.add_column(
        "subscriptions",
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )
    _seal_plaintext_secrets()
    op.alter_column("subscriptions", "secret_sealed", nullable=False)
    op.drop_column("subscriptions", "secret")


def _seal_plaintext_secrets() -> None:
    """Encrypt secrets stored in plain text by revision 0001 (needs WEBHOOK_SECRET_KEY if any exist)."""
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, secret FROM subscriptions")).all()
    if not rows:
        return
    from gateway.delivery.secretbox import SecretBox

    key = os.environ.get("WEBHOOK_SECRET_KEY")
    if not key:
        raise RuntimeError("set WEBHOOK_SECRET_KEY: existing webhook secrets must be encrypted")
    box = SecretBox(key)
    for row in rows:
        conn.execute(
            sa.text("UPDATE subscriptions SET secret_sealed = :sealed WHERE id = :id"),
            {"sealed": box.seal(row.id, row.secret), "id": row.id},
        )


def _events() -> None:
    # Identity fills existing rows in insertion order; they keep their place in the feed.
    op.add_column("events", sa.Column("seq", sa.BigInteger(), sa.Identity(), nullable=False))
    op.create_unique_constraint("events_seq_key", "events", ["seq"])
    op.alter_column("events", "supplier_id", nullable=True)
    op.add_column("events", sa.Column("organisation_id", sa.Uuid(), nullable=True))
    op.add_column(
        "events",
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )
    op.create_index("ix_events_recorded_at", "events", ["recorded_at"])


def _deliveries() -> None:
    op.add_column("deliveries", sa.Column("supplier_id", sa.Uuid(), nullable=True))
    op.add_column("deliveries", sa.Column("event_seq", sa.BigInteger(), nullable=True))
    op.add_column("deliveries", sa.Column("lease_token", sa.Uuid(), nullable=True))
    op.add_column("deliveries", sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("deliveries", sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE deliveries d SET supplier_id = e.supplier_id, event_seq = e.seq FROM events e "
        "WHERE e.id = d.event_id"
    )
    op.execute("UPDATE deliveries SET status = 'dead' WHERE status = 'failed'")
    op.alter_column("deliveries", "event_seq", nullable=False)
    # The worker's claim scans pending rows by due time; ordering looks up earlier pending rows.
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_index(
        "ix_deliveries_pending_order",
        "deliveries",
        ["subscription_id", "supplier_id", "event_seq"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    for table, column, referenced in _CASCADES:
        name = f"{table}_{column}_fkey"
        op.drop_constraint(name, table, type_="foreignkey")
        op.create_foreign_key(name, table, referenced, [column], ["id"], ondelete="CASCADE")


def downgrade() -> None:
    # Encrypted secrets cannot be turned back into plain text here, and gateway events did not exist
    # before: both go (with their deliveries, by cascade) before the cascades are undone.
    op.execute("DELETE FROM subscriptions")
    op.execute("DELETE FROM events WHERE supplier_id IS NULL")
    for table, column, referenced in _CASCADES:
        name = f"{table}_{column}_fkey"
        op.drop_constraint(name, table, type_="foreignkey")
        op.create_foreign_key(name, table, referenced, [column], ["id"])
    op.drop_table("feed_retention")
    op.drop_table("event_recipients")
    op.drop_index("ix_deliveries_pending_order", table_name="deliveries")
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    op.execute("UPDATE deliveries SET status = 'failed' WHERE status = 'dead'")
    for column in ("delivered_at", "lease_expires_at", "lease_token", "event_seq", "supplier_id"):
        op.drop_column("deliveries", column)
    op.drop_index("ix_events_recorded_at", table_name="events")
    for column in ("recorded_at", "organisation_id"):
        op.drop_column("events", column)
    op.alter_column("events", "supplier_id", nullable=False)
    op.drop_constraint("events_seq_key", "events", type_="unique")
    op.drop_column("events", "seq")
    op.add_column("subscriptions", sa.Column("secret", sa.String(length=200), nullable=False))
    for column in (
        "updated_at",
        "version",
        "first_failure_at",
        "disabled_reason",
        "previous_secret_expires_at",
        "previous_secret_sealed",
        "secret_sealed",
        "description",
        "supplier_ids",
    ):
        op.drop_column("subscriptions", column)
