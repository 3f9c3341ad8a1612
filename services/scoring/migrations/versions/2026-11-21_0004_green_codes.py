"""green codes and carbon labels

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("footprint_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("kid", sa.String(length=100), nullable=False),
        sa.Column("statement", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("superseded_by", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('greencode', 'carbonlabel')", name="issued_code_kind"),
        sa.CheckConstraint("status IN ('current', 'superseded', 'revoked')", name="issued_code_status"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "one_current_code",
        "issued_codes",
        [
            "kind",
            "supplier_id",
            "year",
            sa.text("coalesce(footprint_id, '00000000-0000-0000-0000-000000000000'::uuid)"),
        ],
        unique=True,
        postgresql_where=sa.text("status = 'current'"),
    )
    op.create_index("issued_codes_supplier", "issued_codes", ["supplier_id", "year"])
    op.add_column("supplier_profiles", sa.Column("uscc", sa.String(length=18), nullable=True))
    op.add_column("supplier_profiles", sa.Column("registry_id", sa.String(length=100), nullable=True))
    op.create_table(
        "label_footprints",
        sa.Column("footprint_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("product_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("classifications", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("declared_unit", sa.String(length=40), nullable=False),
        sa.Column("value_kgco2e", sa.Numeric(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("superseded_by", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("footprint_id"),
    )
    op.create_index("ix_label_footprints_supplier_id", "label_footprints", ["supplier_id"])


def downgrade() -> None:
    op.drop_table("label_footprints")
    op.drop_column("supplier_profiles", "registry_id")
    op.drop_column("supplier_profiles", "uscc")
    op.drop_table("issued_codes")
