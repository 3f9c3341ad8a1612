"""sites and profiles

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("suppliers", sa.Column("size", sa.String(length=10), nullable=True))
    op.add_column(
        "suppliers",
        sa.Column("contacts", postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False),
    )
    op.create_index("suppliers_keyset", "suppliers", ["created_at", "id"])
    op.create_index(
        "suppliers_industry_prefix",
        "suppliers",
        ["industry_code"],
        postgresql_ops={"industry_code": "varchar_pattern_ops"},
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("address_line", sa.String(length=500), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("industry_code", sa.String(length=10), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"]),
        sa.PrimaryKeyConstraint("id"),
        # The domain keeps both or neither; the database refuses half a position too.
        sa.CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="sites_coordinates_paired"),
    )
    op.create_index("sites_by_supplier", "sites", ["supplier_id", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("sites_by_supplier", table_name="sites")
    op.drop_table("sites")
    op.drop_index("suppliers_industry_prefix", table_name="suppliers")
    op.drop_index("suppliers_keyset", table_name="suppliers")
    op.drop_column("suppliers", "contacts")
    op.drop_column("suppliers", "size")
