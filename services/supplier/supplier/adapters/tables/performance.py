"""The performance tables (SQLAlchemy Core), mirroring migration 0004.

`performance_years` holds one row per supplier, year and site (NULL site = the whole supplier);
the unique key treats NULL sites as equal (NULLS NOT DISTINCT), so a re-report replaces the row.
`import_jobs` holds bulk imports: the uploaded payload, progress, and capped per-row errors;
`attempts` counts consecutive failed attempts of the current batch (the importer stops at 3).
"""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from supplier.adapters.orm import metadata

performance_years = Table(
    "performance_years",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("supplier_id", Uuid, ForeignKey("suppliers.id"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("site_id", Uuid),
    Column("data", JSONB, nullable=False),
    Column("abnormal", Boolean, nullable=False),
    Column("abnormal_reasons", JSONB, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint(
        "supplier_id", "year", "site_id", name="performance_years_key", postgresql_nulls_not_distinct=True
    ),
)

import_jobs = Table(
    "import_jobs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("supplier_id", Uuid, ForeignKey("suppliers.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("format", String(10), nullable=False),
    Column("mode", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("phase", String(20), nullable=False),
    Column("total_rows", Integer, nullable=False),
    Column("processed_rows", Integer, nullable=False),
    Column("accepted_rows", Integer, nullable=False),
    Column("error_count", Integer, nullable=False),
    Column("errors", JSONB, nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name="import_jobs_status"),
    CheckConstraint("mode IN ('all_or_nothing', 'best_effort')", name="import_jobs_mode"),
    Index("import_jobs_open", "created_at", postgresql_where=text("status IN ('queued', 'running')")),
)
