"""The supplier database schema (SQLAlchemy Core). Alembic migrations create it; this mirrors them."""

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB

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
    Column("size", String(10)),
    Column("contacts", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    # Keyset pagination walks (created_at, id); the industry filter is a prefix match.
    Index("suppliers_keyset", "created_at", "id"),
    Index(
        "suppliers_industry_prefix", "industry_code", postgresql_ops={"industry_code": "varchar_pattern_ops"}
    ),
)

outbox = outbox_table(metadata)
processed_events = processed_events_table(metadata)
