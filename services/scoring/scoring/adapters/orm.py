"""The scoring database schema (SQLAlchemy Core), created only by Alembic migrations."""

from sqlalchemy import Column, DateTime, Integer, MetaData, Numeric, String, Table, Uuid

from shared.outbox import outbox_table, processed_events_table

metadata = MetaData()

# Read model of supplier facts, built from supplier.events (event-carried state transfer).
supplier_facts = Table(
    "supplier_facts",
    metadata,
    Column("supplier_id", Uuid, primary_key=True),
    Column("legal_name", String(300), nullable=False),
    Column("country", String(2), nullable=False),
    Column("industry_code", String(10), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

scorecards = Table(
    "scorecards",
    metadata,
    Column("supplier_id", Uuid, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("model_version", String(20), nullable=False),
    Column("score", Numeric(5, 2), nullable=False),
    Column("band", String(30), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

outbox = outbox_table(metadata)
processed_events = processed_events_table(metadata)
