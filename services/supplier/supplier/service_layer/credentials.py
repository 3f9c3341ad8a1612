"""Credential use cases: submit (with or without its document), attach a document, review, read.

Every state change writes its event to the outbox in the same transaction (CredentialSubmitted,
CredentialVerified, CredentialRejected, CredentialRevoked).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from shared.events import EventContract
from supplier.adapters.blobs import BlobStore
from supplier.adapters.credential_repository import CredentialRepository, content_lock, document_committed
from supplier.domain.credential_records import CredentialNotFound, CredentialRecord, DocumentMissing
from supplier.domain.credentials import CredentialBase
from supplier.domain.documents import CheckedDocument
from supplier.domain.errors import SupplierNotFound
from supplier.service_layer.unit_of_work import UnitOfWork

Step = Callable[[CredentialRecord], tuple[CredentialRecord, EventContract]]


@dataclass(frozen=True, slots=True)
class DocumentUpload:
    """An upload that passed the content checks, with its bytes."""

    checked: CheckedDocument
    content: bytes


def submit_credential(
    *,
    supplier_id: uuid.UUID,
    credential: CredentialBase,
    document: DocumentUpload | None,
    blobs: BlobStore,
    uow: UnitOfWork,
) -> CredentialRecord:
    """Record a submitted credential, and its document if given. Emits credential.submitted."""
    with uow:
        repo = _repository(uow, supplier_id)
        record, event = CredentialRecord.submit(
            supplier_id=supplier_id,
            credential=credential,
            document_sha256=document.checked.sha256 if document else None,
            now=datetime.now(UTC),
        )

        def write() -> None:
            if document:
                repo.add_document(document.checked)
            repo.add(record)  # CredentialAlreadyExists (409) before any file is written
            uow.publish(event)

        _commit_with_document(uow, blobs, document, write)
        return record


def attach_document(
    *,
    supplier_id: uuid.UUID,
    credential_id: uuid.UUID,
    document: DocumentUpload,
    blobs: BlobStore,
    uow: UnitOfWork,
) -> CredentialRecord:
    """Attach the document to a submitted credential that has none. Emits credential.submitted again."""
    with uow:
        repo = _repository(uow, supplier_id)
        attached: list[CredentialRecord] = []

        def write() -> None:
            current = _get(repo, supplier_id, credential_id, for_update=True)
            record, event = current.attach(document_sha256=document.checked.sha256, now=datetime.now(UTC))
            repo.add_document(document.checked)
            repo.update(record)
            uow.publish(event)
            attached.append(record)

        _commit_with_document(uow, blobs, document, write)
        return attached[0]


def _commit_with_document(
    uow: UnitOfWork, blobs: BlobStore, document: DocumentUpload | None, write: Callable[[], None]
) -> None:
    """Run `write`, store the file, commit: a committed row always has its file, a failure leaves none.

    The file is written after every check and constraint has passed and before the commit, so
    a refused request (409, 404) never touches the store. If the commit itself fails, the file
    is removed again unless a committed row records it (the same bytes uploaded earlier, or a
    commit that succeeded although the connection failed). All of it runs under a lock on the
    content hash, so a concurrent upload of the same file cannot lose its blob to this cleanup.
    """
    if document is None:
        write()
        uow.commit()
        return
    sha256 = document.checked.sha256
    with content_lock(uow.engine, sha256) as lock:
        created = False
        try:
            write()
            created = blobs.put(sha256, document.content)
            uow.commit()
        except BaseException:
            if created and not document_committed(lock, sha256):
                blobs.delete(sha256)
            raise


def verify_credential(
    *, supplier_id: uuid.UUID, credential_id: uuid.UUID, reviewer: str, uow: UnitOfWork
) -> CredentialRecord:
    """submitted → verified by a reviewer. Emits credential.verified."""
    return _transition(
        supplier_id, credential_id, uow, lambda c: c.verify(reviewer=reviewer, now=datetime.now(UTC))
    )


def reject_credential(
    *, supplier_id: uuid.UUID, credential_id: uuid.UUID, reviewer: str, reason: str, uow: UnitOfWork
) -> CredentialRecord:
    """submitted → rejected with a reason. Emits credential.rejected."""
    return _transition(
        supplier_id,
        credential_id,
        uow,
        lambda c: c.reject(reviewer=reviewer, reason=reason, now=datetime.now(UTC)),
    )


def revoke_credential(
    *, supplier_id: uuid.UUID, credential_id: uuid.UUID, reason: str | None, uow: UnitOfWork
) -> CredentialRecord:
    """verified → revoked (final). Emits credential.revoked."""
    return _transition(
        supplier_id, credential_id, uow, lambda c: c.revoke(reason=reason, now=datetime.now(UTC))
    )


def _transition(
    supplier_id: uuid.UUID, credential_id: uuid.UUID, uow: UnitOfWork, step: Step
) -> CredentialRecord:
    with uow:
        repo = _repository(uow, supplier_id)
        record, event = step(_get(repo, supplier_id, credential_id, for_update=True))
        repo.update(record)
        uow.publish(event)
        uow.commit()
        return record


def get_credential(*, supplier_id: uuid.UUID, credential_id: uuid.UUID, uow: UnitOfWork) -> CredentialRecord:
    with uow:
        return _get(_repository(uow, supplier_id), supplier_id, credential_id)


def list_credentials(
    *,
    supplier_id: uuid.UUID,
    type_: str | None,
    state: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
    uow: UnitOfWork,
) -> list[CredentialRecord]:
    """A page of a supplier's credentials, oldest first, after the keyset position `after`."""
    with uow:
        repo = _repository(uow, supplier_id)
        return repo.list(supplier_id, type_=type_, state=state, after=after, limit=limit)


def credential_document(
    *, supplier_id: uuid.UUID, credential_id: uuid.UUID, uow: UnitOfWork
) -> CheckedDocument:
    """The stored document's type, hash and size; the bytes are read from the blob store by hash."""
    with uow:
        repo = _repository(uow, supplier_id)
        record = _get(repo, supplier_id, credential_id)
        document = repo.document(record.document_sha256) if record.document_sha256 else None
        if document is None:
            raise DocumentMissing(f"credential {credential_id} has no document")
        return document


def _repository(uow: UnitOfWork, supplier_id: uuid.UUID) -> CredentialRepository:
    repo = CredentialRepository(uow.conn)
    if not repo.supplier_exists(supplier_id):
        raise SupplierNotFound(supplier_id)
    return repo


def _get(
    repo: CredentialRepository, supplier_id: uuid.UUID, credential_id: uuid.UUID, *, for_update: bool = False
) -> CredentialRecord:
    record = repo.get(supplier_id, credential_id, for_update=for_update)
    if record is None:
        raise CredentialNotFound(credential_id)
    return record
