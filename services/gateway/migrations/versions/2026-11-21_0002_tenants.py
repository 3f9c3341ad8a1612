"""tenants: organisations, API clients, client secrets; subscriptions belong to an organisation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("kind IN ('buyer', 'supplier', 'platform')", name="organisation_kind"),
        sa.CheckConstraint("(kind = 'supplier') = (supplier_id IS NOT NULL)", name="supplier_org_bound"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("supplier_id"),
    )
    op.create_table(
        "api_clients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("scopes", sa.ARRAY(sa.String(length=50)), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default="false", nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_api_clients_organisation_id", "api_clients", ["organisation_id"])
    op.create_table(
        "client_secrets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("secret_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["api_clients.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_client_secrets_client_id", "client_secrets", ["client_id"])
    # Subscriptions made before tenants existed have no owner and are visible to nobody.
    op.add_column("subscriptions", sa.Column("organisation_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        "subscriptions_organisation_id_fkey", "subscriptions", "organisations", ["organisation_id"], ["id"]
    )
    op.create_index("ix_subscriptions_organisation_id", "subscriptions", ["organisation_id"])


def downgrade() -> None:
    op.drop_index("ix_subscriptions_organisation_id", table_name="subscriptions")
    op.drop_constraint("subscriptions_organisation_id_fkey", "subscriptions", type_="foreignkey")
    op.drop_column("subscriptions", "organisation_id")
    op.drop_table("client_secrets")
    op.drop_table("api_clients")
    op.drop_table("organisations")
