"""Read model of supplier facts, built from supplier.events only (event-carried state transfer).

Every row keeps the version its event carried, so a stale event arriving late is ignored and the
read model (and the scorecards built from it) does not depend on arrival order.
"""

from sqlalchemy import (
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
)
from sqlalchemy.dialects.postgresql import JSONB

from scoring.adapters.orm import metadata

# Performance rows for the whole company (no site) use this key: a primary key cannot hold NULL.
WHOLE_COMPANY = "00000000-0000-0000-0000-000000000000"

supplier_profiles = Table(
    "supplier_profiles",
    metadata,
    Column("supplier_id", Uuid, primary_key=True),
    Column("legal_name", String(300), nullable=False),
    Column("country", String(2), nullable=False),
    Column("industry_code", String(10), nullable=False),
    # Identity, for the green code's statement (added by migration 0004).
    Column("uscc", String(18)),
    Column("registry_id", String(100)),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

supplier_credentials = Table(
    "supplier_credentials",
    metadata,
    Column("credential_id", Uuid, primary_key=True),
    Column("supplier_id", Uuid, nullable=False),
    Column("type", String(60), nullable=False),
    Column("state", String(20), nullable=False),
    Column("issued_on", Date),
    Column("expires_on", Date),
    Column("attributes", JSONB, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("supplier_credentials_supplier", "supplier_id"),
)

supplier_performance = Table(
    "supplier_performance",
    metadata,
    Column("supplier_id", Uuid, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("site_key", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("figures", JSONB, nullable=False),  # name -> {"value": "12.5", "tier": "primary"}
    Column("ghg_verification_level", String(40)),
    Column("abnormal", Boolean, nullable=False),
    Column("abnormal_reasons", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("supplier_performance_year", "year"),
)

# A PerformanceFlaggedAbnormal applies to one version of a report; kept apart so it also counts
# when it arrives before the report it flags.
performance_flags = Table(
    "performance_flags",
    metadata,
    Column("supplier_id", Uuid, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("site_key", Uuid, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("reasons", JSONB, nullable=False),
)

supplier_footprints = Table(
    "supplier_footprints",
    metadata,
    Column("footprint_id", Uuid, primary_key=True),
    Column("supplier_id", Uuid, nullable=False),
    Column("published", Boolean, nullable=False),
    Column("verified", Boolean, nullable=False),
    Column("deprecated", Boolean, nullable=False),
    Column("reference_period_end", DateTime(timezone=True)),
    Index("supplier_footprints_supplier", "supplier_id"),
)

shipments = Table(
    "shipments",
    metadata,
    Column("shipment_id", Uuid, primary_key=True),
    Column("supplier_id", Uuid, nullable=False),
    Column("year", Integer, nullable=False),
)

# Per supplier-year sums for the logistics criteria, added to once per new shipment id.
shipment_years = Table(
    "shipment_years",
    metadata,
    Column("supplier_id", Uuid, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("shipments", Integer, nullable=False),
    Column("tonne_km", Numeric, nullable=False),
    Column("emissions_kgco2e", Numeric, nullable=False),
    Column("clean_tonne_km", Numeric, nullable=False),
    Column("primary_tonne_km", Numeric, nullable=False),
    Column("modelled_tonne_km", Numeric, nullable=False),
    Index("shipment_years_year", "year"),
)
