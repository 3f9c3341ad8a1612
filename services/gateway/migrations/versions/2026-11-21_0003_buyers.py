"""buyers: supply base (policies and procurement checks follow)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supply_base",
        sa.Column("buyer_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_code", sa.String(length=100), nullable=True),
        sa.Column("category", sa.String(length=200), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["buyer_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("buyer_id", "supplier_id"),
        sa.UniqueConstraint("buyer_id", "supplier_code", name="supply_base_buyer_code"),
    )
    op.create_index("ix_supply_base_supplier_id", "supply_base", ["supplier_id"])


def downgrade() -> None:
    op.drop_table("supply_base")
