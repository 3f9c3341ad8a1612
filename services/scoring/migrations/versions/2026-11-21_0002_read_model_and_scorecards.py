"""read model and scorecards

Replaces 0001's provisional supplier_facts and scorecards with the read model of supplier facts
(one table per kind of event-carried state) and explained scorecards with their history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("supplier_facts")
    op.drop_table("scorecards")
    _read_model()
    _scorecards()


def _read_model() -> None:
    now = sa.DateTime(timezone=True)
    op.create_table(
        "supplier_profiles",
        sa.Column("supplier_id", sa.Uuid(), primary_key=True),
        sa.Column("legal_name", sa.String(300), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("industry_code", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", now, nullable=False),
    )
    op.create_table(
        "supplier_credentials",
        sa.Column("credential_id", sa.Uuid(), primary_key=True),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(60), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("issued_on", sa.Date()),
        sa.Column("expires_on", sa.Date()),
        sa.Column("attributes", JSONB(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", now, nullable=False),
    )
    op.create_index("supplier_credentials_supplier", "supplier_credentials", ["supplier_id"])
    op.create_table(
        "supplier_performance",
        sa.Column("supplier_id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("site_key", sa.Uuid(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("figures", JSONB(), nullable=False),
        sa.Column("ghg_verification_level", sa.String(40)),
        sa.Column("abnormal", sa.Boolean(), nullable=False),
        sa.Column("abnormal_reasons", JSONB(), nullable=False),
        sa.Column("updated_at", now, nullable=False),
    )
    op.create_index("supplier_performance_year", "supplier_performance", ["year"])
    op.create_table(
        "performance_flags",
        sa.Column("supplier_id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("site_key", sa.Uuid(), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("reasons", JSONB(), nullable=False),
    )
    op.create_table(
        "supplier_footprints",
        sa.Column("footprint_id", sa.Uuid(), primary_key=True),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("deprecated", sa.Boolean(), nullable=False),
        sa.Column("reference_period_end", now),
    )
    op.create_index("supplier_footprints_supplier", "supplier_footprints", ["supplier_id"])
    op.create_table(
        "shipments",
        sa.Column("shipment_id", sa.Uuid(), primary_key=True),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
    )
    op.create_table(
        "shipment_years",
        sa.Column("supplier_id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("shipments", sa.Integer(), nullable=False),
        sa.Column("tonne_km", sa.Numeric(), nullable=False),
        sa.Column("emissions_kgco2e", sa.Numeric(), nullable=False),
        sa.Column("clean_tonne_km", sa.Numeric(), nullable=False),
        sa.Column("primary_tonne_km", sa.Numeric(), nullable=False),
        sa.Column("modelled_tonne_km", sa.Numeric(), nullable=False),
    )
    op.create_index("shipment_years_year", "shipment_years", ["year"])


def _scorecards() -> None:
    op.create_table(
        "scorecards",
        sa.Column("supplier_id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(20), nullable=False),
        sa.Column("industry", sa.String(10), nullable=False),
        sa.Column("rated", sa.Boolean(), nullable=False),
        sa.Column("ranked", sa.Boolean(), nullable=False),
        sa.Column("total", sa.Numeric(5, 2)),
        sa.Column("band", sa.String(30), nullable=False),
        sa.Column("capped", sa.Boolean(), nullable=False),
        sa.Column("failed_gates", JSONB(), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("grade", sa.String(2)),
        sa.Column("industry_grade", sa.String(2)),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    # Ranks are counted from these: 1 + the ranked suppliers of the year with a higher total.
    op.create_index(
        "scorecards_overall_rank",
        "scorecards",
        ["year", sa.text("total DESC"), "supplier_id"],
        postgresql_where=sa.text("ranked"),
    )
    op.create_index(
        "scorecards_industry_rank",
        "scorecards",
        ["year", "industry", sa.text("total DESC"), "supplier_id"],
        postgresql_where=sa.text("ranked"),
    )
    op.create_table(
        "scorecard_history",
        sa.Column("supplier_id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("revision", sa.Integer(), primary_key=True),
        sa.Column("model_version", sa.String(20), nullable=False),
        sa.Column("total", sa.Numeric(5, 2)),
        sa.Column("band", sa.String(30), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "scorecard_history",
        "scorecards",
        "shipment_years",
        "shipments",
        "supplier_footprints",
        "performance_flags",
        "supplier_performance",
        "supplier_credentials",
        "supplier_profiles",
    ):
        op.drop_table(table)
    op.create_table(
        "supplier_facts",
        sa.Column("supplier_id", sa.Uuid(), primary_key=True),
        sa.Column("legal_name", sa.String(300), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("industry_code", sa.String(10), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "scorecards",
        sa.Column("supplier_id", sa.Uuid(), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("model_version", sa.String(20), nullable=False),
        sa.Column("score", sa.Numeric(5, 2), nullable=False),
        sa.Column("band", sa.String(30), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
