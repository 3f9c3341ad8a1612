"""green lists

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
        "green_lists",
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("model_version", sa.String(20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("entered", sa.Integer(), nullable=False),
        sa.Column("exited", sa.Integer(), nullable=False),
        sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "green_list_entries",
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("supplier_id", sa.Uuid(), primary_key=True),
        sa.Column("on_list", sa.Boolean(), nullable=False),
        sa.Column("entered", sa.Boolean(), nullable=False),
        sa.Column("exit_reason", sa.String(20)),
        sa.Column("detail", sa.String(1000)),
        sa.Column("industry", sa.String(10), nullable=False),
        sa.Column("total", sa.Numeric(5, 2)),
        sa.Column("band", sa.String(30), nullable=False),
        sa.Column("grade", sa.String(2)),
        sa.Column("industry_grade", sa.String(2)),
    )


def downgrade() -> None:
    op.drop_table("green_list_entries")
    op.drop_table("green_lists")
