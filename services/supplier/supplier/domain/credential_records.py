"""A stored credential: the validated fields, its lifecycle state and its document, as one record.

Pure: no database or web here. Each lifecycle step returns a new record with the version bumped
and the event announcing it, carrying a :class:`CredentialSnapshot` (event-carried state).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from shared.contracts.supplier import (
    CredentialExpired,
    CredentialRejected,
    CredentialRevoked,
    CredentialSnapshot,
    CredentialSubmitted,
    CredentialVerified,
)
from supplier.domain.credential_lifecycle import CredentialState, CredentialStatus
from supplier.domain.credentials import CredentialBase
from supplier.domain.errors import SupplierError

COMMON_FIELDS = frozenset(CredentialBase.model_fields)


class CredentialNotFound(SupplierError):
    def __init__(self, credential_id: object) -> None:
        super().__init__(f"No credential with id {credential_id} for this supplier.")


class CredentialAlreadyExists(SupplierError):
    def __init__(self, type_: str, issuer: str, number: str) -> None:
        super().__init__(
            f"A live {type_} credential with issuer {issuer!r} and number {number!r} is already registered."
        )


class DocumentAlreadyAttached(SupplierError):
    """Evidence under review is not swapped silently: submit a new credential instead."""


class DocumentMissing(SupplierError):
    """The credential has no document to download."""


@dataclass(frozen=True, slots=True)
class CredentialRecord:
    id: uuid.UUID
    supplier_id: uuid.UUID
    type: str
    state: CredentialStatus
    number: str
    issuer: str
    scope: str | None
    issued_on: date
    expires_on: date | None
    attributes: dict[str, Any]
    site_ids: tuple[uuid.UUID, ...]
    document_sha256: str | None
    reason: str | None
    reviewer: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def submit(
        cls, *, supplier_id: uuid.UUID, credential: CredentialBase, document_sha256: str | None, now: datetime
    ) -> tuple[CredentialRecord, CredentialSubmitted]:
        """A new submitted credential and its CredentialSubmitted event."""
        record = cls(
            id=uuid.uuid4(),
            supplier_id=supplier_id,
            type=credential.type,
            state=CredentialStatus.SUBMITTED,
            number=credential.number,
            issuer=credential.issuer,
            scope=credential.scope,
            issued_on=credential.issued_on,
            expires_on=credential.expires_on,
            attributes=credential.model_dump(mode="json", exclude=set(COMMON_FIELDS), exclude_none=True),
            site_ids=credential.site_ids,
            document_sha256=document_sha256,
            reason=None,
            reviewer=None,
            version=1,
            created_at=now,
            updated_at=now,
        )
        return record, CredentialSubmitted(supplier_id=supplier_id, credential=record.snapshot())

    @property
    def lifecycle(self) -> CredentialState:
        return CredentialState(
            status=self.state,
            rejection_reason=self.reason if self.state == CredentialStatus.REJECTED else None,
            revocation_reason=self.reason if self.state == CredentialStatus.REVOKED else None,
        )

    def _moved(self, state: CredentialState, now: datetime, **changes: Any) -> CredentialRecord:
        return replace(self, state=state.status, version=self.version + 1, updated_at=now, **changes)

    def verify(self, *, reviewer: str, now: datetime) -> tuple[CredentialRecord, CredentialVerified]:
        record = self._moved(self.lifecycle.verify(), now, reviewer=reviewer)
        return record, CredentialVerified(
            supplier_id=self.supplier_id, credential=record.snapshot(), reviewer=reviewer
        )

    def reject(
        self, *, reviewer: str, reason: str, now: datetime
    ) -> tuple[CredentialRecord, CredentialRejected]:
        state = self.lifecycle.reject(reason)
        record = self._moved(state, now, reviewer=reviewer, reason=state.rejection_reason)
        return record, CredentialRejected(
            supplier_id=self.supplier_id,
            credential=record.snapshot(),
            reviewer=reviewer,
            reason=state.rejection_reason or reason,
        )

    def revoke(self, *, reason: str | None, now: datetime) -> tuple[CredentialRecord, CredentialRevoked]:
        state = self.lifecycle.revoke(reason)
        record = self._moved(state, now, reason=state.revocation_reason)
        return record, CredentialRevoked(
            supplier_id=self.supplier_id, credential=record.snapshot(), reason=state.revocation_reason
        )

    def expire(self, *, now: datetime) -> tuple[CredentialRecord, CredentialExpired]:
        record = self._moved(self.lifecycle.expire(), now)
        return record, CredentialExpired(supplier_id=self.supplier_id, credential=record.snapshot())

    def attach(self, *, document_sha256: str, now: datetime) -> tuple[CredentialRecord, CredentialSubmitted]:
        """The document for a submitted credential that has none; announced as the submission, again."""
        if self.document_sha256 is not None:
            raise DocumentAlreadyAttached("this credential already has a document; submit a new credential")
        if self.state != CredentialStatus.SUBMITTED:
            raise DocumentAlreadyAttached(f"a {self.state} credential takes no new document")
        record = replace(self, document_sha256=document_sha256, version=self.version + 1, updated_at=now)
        return record, CredentialSubmitted(supplier_id=self.supplier_id, credential=record.snapshot())

    def snapshot(self) -> CredentialSnapshot:
        attributes = {key: _as_text(value) for key, value in self.attributes.items() if value is not None}
        if self.scope:
            attributes["scope"] = self.scope
        return CredentialSnapshot(
            credential_id=self.id,
            type=self.type,
            state=self.state,
            number=self.number,
            issuer=self.issuer,
            issued_on=self.issued_on,
            expires_on=self.expires_on,
            site_ids=list(self.site_ids),
            attributes=attributes,
            document_sha256=self.document_sha256,
            version=self.version,
        )


def _as_text(value: Any) -> str:
    """Snapshot attributes are strings: scalars as themselves, nested values as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return str(value)
