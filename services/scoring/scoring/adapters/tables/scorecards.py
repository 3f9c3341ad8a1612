"""Scorecards: the current one per supplier-year with columns for querying, and every revision.

The explained scorecard (JSON of the domain Scorecard) is stored once, in the history; the current
row points at its revision. Ranks and percentiles are not stored (one change would shift everyone
below): they are counted from the (year, total) indexes when read. Grades are stored, as they change
only near the cut-offs and are announced when they do.
"""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from scoring.adapters.orm import metadata

scorecards = Table(
    "scorecards",
    metadata,
    Column("supplier_id", Uuid, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("model_version", String(20), nullable=False),
    Column("industry", String(10), nullable=False),
    Column("rated", Boolean, nullable=False),
    # A standing: rated and no gate failed, so the supplier takes a place in the rankings.
    Column("ranked", Boolean, nullable=False),
    Column("total", Numeric(5, 2)),
    Column("band", String(30), nullable=False),
    Column("capped", Boolean, nullable=False),
    Column("failed_gates", JSONB, nullable=False),
    Column("reason", String(1000), nullable=False),
    Column("grade", String(2)),
    Column("industry_grade", String(2)),
    Column("digest", String(64), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index(
        "scorecards_overall_rank",
        "year",
        text("total DESC"),
        "supplier_id",
        postgresql_where=text("ranked"),
    ),
    Index(
        "scorecards_industry_rank",
        "year",
        "industry",
        text("total DESC"),
        "supplier_id",
        postgresql_where=text("ranked"),
    ),
)

scorecard_history = Table(
    "scorecard_history",
    metadata,
    Column("supplier_id", Uuid, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("model_version", String(20), nullable=False),
    Column("total", Numeric(5, 2)),
    Column("band", String(30), nullable=False),
    Column("card", JSON, nullable=False),  # read whole, never searched: JSON is cheaper to write
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)
