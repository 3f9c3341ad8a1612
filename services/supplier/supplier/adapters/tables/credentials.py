"""The credentials tables (SQLAlchemy Core), mirroring migration 0003.

- ``documents``: content-addressed (the sha256 is the key), so the same file is stored once
  however many credentials point at it. The bytes live in the blob store under the same hash.
- ``credentials``: the fields every credential type has as columns (part A filters suppliers by
  ``type``, ``state`` and ``expires_on``), the type-specific fields in ``attributes``.
- ``reminders_sent``: one row per (credential, threshold) ever reached, so a restarted or
  concurrent scheduler can never send the same reminder twice.
"""

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from supplier.adapters.orm import metadata

# Only a live credential (submitted or verified) holds its (type, issuer, number): a rejected,
# revoked or expired one may be submitted again, e.g. a renewed ISO certificate keeping its number.
LIVE_STATES_SQL = "state IN ('submitted', 'verified')"
DUPLICATE_INDEX = "credentials_identity_live"

documents = Table(
    "documents",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("media_type", String(100), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

credentials = Table(
    "credentials",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("supplier_id", Uuid, ForeignKey("suppliers.id"), nullable=False),
    Column("type", String(50), nullable=False),
    Column("state", String(20), nullable=False),
    Column("number", String(200), nullable=False),
    Column("issuer", String(300), nullable=False),
    Column("scope", Text),
    Column("issued_on", Date, nullable=False),
    Column("expires_on", Date),
    Column("attributes", JSONB, nullable=False),
    Column("site_ids", ARRAY(Uuid), nullable=False),
    Column("document_sha256", String(64), ForeignKey("documents.sha256")),
    Column("reason", Text),
    Column("reviewer", String(200)),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index(
        DUPLICATE_INDEX,
        "type",
        func.lower(text("issuer")),
        func.lower(text("number")),
        unique=True,
        postgresql_where=text(LIVE_STATES_SQL),
    ),
    Index("credentials_supplier_created", "supplier_id", "created_at", "id"),
    Index("credentials_expiry", "expires_on", postgresql_where=text(LIVE_STATES_SQL)),
)

reminders_sent = Table(
    "reminders_sent",
    metadata,
    Column("credential_id", Uuid, ForeignKey("credentials.id", ondelete="CASCADE"), primary_key=True),
    Column("threshold_days", Integer, primary_key=True),
    Column("sent_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # True when a more imminent reminder covered this threshold (after downtime): recorded, not sent.
    Column("skipped", Boolean, nullable=False, server_default=text("false")),
)
