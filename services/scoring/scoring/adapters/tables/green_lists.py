"""The yearly green list: who is on it, who entered and who left, and why."""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    Numeric,
    String,
    Table,
    Uuid,
)

from scoring.adapters.orm import metadata

green_lists = Table(
    "green_lists",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("model_version", String(20), nullable=False),
    Column("size", Integer, nullable=False),
    Column("entered", Integer, nullable=False),
    Column("exited", Integer, nullable=False),
    Column("fixed_at", DateTime(timezone=True), nullable=False),
)

# One row per supplier on the list (on_list) or leaving it this year (not on_list, with a reason).
green_list_entries = Table(
    "green_list_entries",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("supplier_id", Uuid, primary_key=True),
    Column("on_list", Boolean, nullable=False),
    Column("entered", Boolean, nullable=False),
    Column("exit_reason", String(20)),
    Column("detail", String(1000)),
    Column("industry", String(10), nullable=False),
    Column("total", Numeric(5, 2)),
    Column("band", String(30), nullable=False),
    Column("grade", String(2)),
    Column("industry_grade", String(2)),
)
