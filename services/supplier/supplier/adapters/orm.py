"""The supplier database schema (SQLAlchemy Core). Alembic migrations create it; this mirrors them."""

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Uuid

from shared.outbox import outbox_table, processed_events_table

metadata = MetaData()

suppliers = Table(
    "suppliers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("legal_name", String(300), nullable=False),
    Column("country", String(2), nullable=False),
    Column("industry_code", String(10), nullable=False),
    Column("uscc", String(18), unique=True),
    Column("registry_id", String(100), unique=True),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

outbox = outbox_table(metadata)
processed_events = processed_events_table(metadata)
