"""credentials and documents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LIVE = sa.text("state IN ('submitted', 'verified')")


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "credentials",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=50), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=200), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("attributes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("site_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"]),
        sa.ForeignKeyConstraint(["document_sha256"], ["documents.sha256"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "credentials_identity_live",
        "credentials",
        ["type", sa.text("lower(issuer)"), sa.text("lower(number)")],
        unique=True,
        postgresql_where=LIVE,
    )
    op.create_index("credentials_supplier_created", "credentials", ["supplier_id", "created_at", "id"])
    op.create_index("credentials_expiry", "credentials", ["expires_on"], postgresql_where=LIVE)
    op.create_table(
        "reminders_sent",
        sa.Column("credential_id", sa.Uuid(), nullable=False),
        sa.Column("threshold_days", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("skipped", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.ForeignKeyConstraint(["credential_id"], ["credentials.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("credential_id", "threshold_days"),
    )


def downgrade() -> None:
    op.drop_table("reminders_sent")
    op.drop_index("credentials_expiry", table_name="credentials")
    op.drop_index("credentials_supplier_created", table_name="credentials")
    op.drop_index("credentials_identity_live", table_name="credentials")
    op.drop_table("credentials")
    op.drop_table("documents")
