"""footprints and shipments

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "footprints",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), sa.ForeignKey("suppliers.id"), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("preceded_by", sa.Uuid(), sa.ForeignKey("footprints.id"), nullable=True),
        sa.Column("superseded_by", sa.Uuid(), sa.ForeignKey("footprints.id"), nullable=True),
        sa.Column("product_ids", postgresql.ARRAY(sa.String()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("footprints_by_supplier", "footprints", ["supplier_id", "created_at"])
    op.create_index("footprints_by_product", "footprints", ["product_ids"], postgresql_using="gin")
    op.create_table(
        "shipments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), sa.ForeignKey("suppliers.id"), nullable=False),
        sa.Column("buyer_reference", sa.String(length=200), nullable=True),
        sa.Column("shipped_on", sa.Date(), nullable=False),
        sa.Column("legs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("results", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("total_tonne_km", sa.Numeric(), nullable=False),
        sa.Column("total_kgco2e", sa.Numeric(), nullable=False),
        sa.Column("factor_version", sa.String(length=100), nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("shipments_by_supplier", "shipments", ["supplier_id", "shipped_on"])


def downgrade() -> None:
    op.drop_index("shipments_by_supplier", table_name="shipments")
    op.drop_table("shipments")
    op.drop_index("footprints_by_product", table_name="footprints")
    op.drop_index("footprints_by_supplier", table_name="footprints")
    op.drop_table("footprints")
