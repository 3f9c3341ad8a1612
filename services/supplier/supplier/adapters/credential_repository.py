"""Loads and saves credentials and their document rows, inside the unit of work's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, column, exists, select, table, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError

from supplier.adapters.tables.credentials import DUPLICATE_INDEX, credentials, documents
from supplier.domain.credential_lifecycle import CredentialStatus
from supplier.domain.credential_records import CredentialAlreadyExists, CredentialRecord
from supplier.domain.documents import CheckedDocument

# Only the key is needed; the suppliers table itself belongs to another area of the service.
_suppliers = table("suppliers", column("id"))


def record_from_row(row: Any) -> CredentialRecord:
    values = {name: row._mapping[name] for name in credentials.c.keys()}  # noqa: SIM118 - column names
    values["state"] = CredentialStatus(values["state"])
    values["site_ids"] = tuple(values["site_ids"])
    return CredentialRecord(**values)


def _values(record: CredentialRecord) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in credentials.c.keys()}  # noqa: SIM118 - column names
    values["state"] = str(record.state)
    values["site_ids"] = list(record.site_ids)
    return values


class CredentialRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def supplier_exists(self, supplier_id: uuid.UUID) -> bool:
        return bool(self.conn.execute(select(exists().where(_suppliers.c.id == supplier_id))).scalar())

    def add(self, record: CredentialRecord) -> None:
        """Insert; a live credential with the same type, issuer and number is CredentialAlreadyExists."""
        try:
            with self.conn.begin_nested():  # keeps the unit of work's transaction usable after a conflict
                self.conn.execute(credentials.insert().values(_values(record)))
        except IntegrityError as error:
            if DUPLICATE_INDEX not in str(error.orig):
                raise
            raise CredentialAlreadyExists(record.type, record.issuer, record.number) from error

    def get(
        self, supplier_id: uuid.UUID, credential_id: uuid.UUID, *, for_update: bool = False
    ) -> CredentialRecord | None:
        query = select(credentials).where(
            credentials.c.id == credential_id, credentials.c.supplier_id == supplier_id
        )
        row = self.conn.execute(query.with_for_update() if for_update else query).first()
        return record_from_row(row) if row else None

    def update(self, record: CredentialRecord) -> None:
        """Write a record loaded FOR UPDATE in this transaction (its version is one ahead)."""
        values = _values(record)
        self.conn.execute(
            credentials.update()
            .where(credentials.c.id == record.id, credentials.c.version == record.version - 1)
            .values({k: v for k, v in values.items() if k not in {"id", "supplier_id", "created_at"}})
        )

    def list(
        self,
        supplier_id: uuid.UUID,
        *,
        type_: str | None,
        state: str | None,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[CredentialRecord]:
        """Oldest first, keyset-paginated on (created_at, id)."""
        query = select(credentials).where(credentials.c.supplier_id == supplier_id)
        if type_:
            query = query.where(credentials.c.type == type_)
        if state:
            query = query.where(credentials.c.state == state)
        if after:
            query = query.where(tuple_(credentials.c.created_at, credentials.c.id) > tuple_(*after))
        query = query.order_by(credentials.c.created_at, credentials.c.id).limit(limit)
        return [record_from_row(row) for row in self.conn.execute(query)]

    def add_document(self, document: CheckedDocument) -> None:
        """Record a document once per content; a second upload of the same bytes changes nothing."""
        self.conn.execute(
            insert(documents)
            .values(sha256=document.sha256, media_type=document.media_type, size_bytes=document.size_bytes)
            .on_conflict_do_nothing(index_elements=["sha256"])
        )

    def document(self, sha256: str) -> CheckedDocument | None:
        row = self.conn.execute(select(documents).where(documents.c.sha256 == sha256)).first()
        if row is None:
            return None
        return CheckedDocument(media_type=row.media_type, sha256=row.sha256, size_bytes=row.size_bytes)


@contextmanager
def content_lock(engine: Engine, sha256: str) -> Iterator[Connection]:
    """Hold a session advisory lock on one content hash, on a connection of its own.

    Storing a file, committing its row and cleaning up after a failure happen under this lock,
    so a concurrent upload of the same bytes never relies on a blob that is about to be removed.
    The lock outlives the unit of work's transaction, which a transaction-level lock would not.
    """
    key = int(sha256[:15], 16)  # 60 bits of the hash fit the signed bigint key; collisions only serialise
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        conn.commit()
        try:
            yield conn
        finally:
            conn.rollback()
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            conn.commit()


def document_committed(conn: Connection, sha256: str) -> bool:
    """Whether a committed row records this document (read outside the failing transaction)."""
    query = select(exists().where(documents.c.sha256 == sha256))
    found = bool(conn.execute(query).scalar())
    conn.rollback()
    return found
