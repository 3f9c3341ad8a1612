"""Credentials: submission (JSON, or multipart with the document), listing, review lifecycle."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.problems import Problem
from supplier.api.dependencies import UowDep
from supplier.api.pagination import Cursor, Keyset, Limit, Page, after_keyset, page_of
from supplier.api.uploads import MULTIPART, BlobsDep, DocumentLimitDep, checked_upload, read_multipart
from supplier.domain.credential_lifecycle import CredentialStatus
from supplier.domain.credential_records import CredentialRecord
from supplier.domain.credentials import CredentialBase, parse_credential
from supplier.domain.values import NonEmptyStr
from supplier.service_layer import credentials as services

router = APIRouter(prefix="/v1/suppliers/{supplier_id}/credentials", tags=["credentials"])
CREDENTIAL_PART_BYTES = 64 * 1024


class CredentialRead(BaseModel):
    id: UUID
    supplier_id: UUID
    type: str
    state: CredentialStatus
    number: str
    issuer: str
    scope: str | None
    issued_on: date
    expires_on: date | None
    site_ids: list[UUID]
    attributes: dict[str, Any] = Field(description="the fields specific to the credential type")
    document_sha256: str | None
    document_url: str | None
    reason: str | None = Field(description="why it was rejected or revoked")
    reviewer: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class Verification(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reviewer: NonEmptyStr


class Rejection(Verification):
    reason: NonEmptyStr


class Revocation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = None


def credential_read(record: CredentialRecord) -> CredentialRead:
    base = f"/v1/suppliers/{record.supplier_id}/credentials/{record.id}"
    return CredentialRead(
        **{name: getattr(record, name) for name in CredentialRead.model_fields if hasattr(record, name)},
        document_url=f"{base}/document" if record.document_sha256 else None,
    )


_SUBMISSION_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object", "description": "the credential's fields"}},
            MULTIPART: {
                "schema": {
                    "type": "object",
                    "required": ["credential"],
                    "properties": {
                        "credential": {"type": "string", "description": "the credential's fields as JSON"},
                        "document": {"type": "string", "format": "binary", "description": "PDF, PNG or JPEG"},
                    },
                }
            },
        },
    }
}


@router.post("", status_code=201, openapi_extra=_SUBMISSION_BODY)
async def submit_credential(
    supplier_id: UUID,
    request: Request,
    response: Response,
    uow: UowDep,
    blobs: BlobsDep,
    max_document_bytes: DocumentLimitDep,
) -> CredentialRead:
    """Submit a credential, as JSON or as multipart/form-data with a `credential` JSON part and an
    optional `document` file (PDF, PNG or JPEG, checked by content). Publishes credential.submitted.

    422 names the invalid field (`#/expires_on`, `#/credential/type`, `#/document`); 413 for a
    document over the size limit, 415 for a file that is not a PDF, PNG or JPEG, 409 when a live
    credential with the same type, issuer and number exists.
    """
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(MULTIPART):
        limits = {"credential": CREDENTIAL_PART_BYTES, "document": max_document_bytes}
        parts = await read_multipart(content_type, request.stream(), limits)
        if "credential" not in parts:
            raise _missing_part("credential")
        credential = _credential(_json(parts["credential"], "credential"), ("body", "credential"))
        raw = parts.get("document")
        document = None
        if raw is not None:  # an empty part is a 422, not "no document"
            document = await run_in_threadpool(checked_upload, raw, max_bytes=max_document_bytes)
    else:
        credential = _credential(_json(await request.body(), None), ("body",))
        document = None
    record = await run_in_threadpool(
        services.submit_credential,
        supplier_id=supplier_id,
        credential=credential,
        document=document,
        blobs=blobs,
        uow=uow,
    )
    response.headers["Location"] = f"/v1/suppliers/{supplier_id}/credentials/{record.id}"
    return credential_read(record)


def _json(raw: bytes, part: str | None) -> Any:
    try:
        return json.loads(raw)
    except ValueError as error:
        pointer = f"#/{part}" if part else "#/"
        detail = f"not valid JSON: {error}"
        raise Problem(
            400, "Malformed JSON", detail, errors=[{"pointer": pointer, "detail": detail}]
        ) from error


def _credential(data: Any, loc: tuple[str, ...]) -> CredentialBase:
    if not isinstance(data, dict):
        raise RequestValidationError([{"loc": loc, "msg": "must be a JSON object", "type": "dict_type"}])
    try:
        return parse_credential(data)
    except ValidationError as error:
        raise RequestValidationError(
            [{"loc": (*loc, *e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
        ) from error


def _missing_part(name: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", name), "msg": "Field required", "type": "missing"}])


@router.get("")
def list_credentials(
    supplier_id: UUID,
    uow: UowDep,
    type: str | None = None,
    state: CredentialStatus | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[CredentialRead]:
    """A supplier's credentials, oldest first, filtered by `type` and `state`; cursor-paginated."""
    records = services.list_credentials(
        supplier_id=supplier_id,
        type_=type,
        state=state,
        after=after_keyset(cursor),
        limit=limit + 1,
        uow=uow,
    )
    return page_of(records, limit, key=lambda r: Keyset(r.created_at, r.id), item=credential_read)


@router.get("/{credential_id}")
def get_credential(supplier_id: UUID, credential_id: UUID, uow: UowDep) -> CredentialRead:
    """One credential with its state, reviewer and reason."""
    return credential_read(
        services.get_credential(supplier_id=supplier_id, credential_id=credential_id, uow=uow)
    )


@router.post("/{credential_id}/verify")
def verify_credential(
    supplier_id: UUID, credential_id: UUID, body: Verification, uow: UowDep
) -> CredentialRead:
    """Reviewer: submitted → verified. Publishes credential.verified; 409 from any other state."""
    record = services.verify_credential(
        supplier_id=supplier_id, credential_id=credential_id, reviewer=body.reviewer, uow=uow
    )
    return credential_read(record)


@router.post("/{credential_id}/reject")
def reject_credential(supplier_id: UUID, credential_id: UUID, body: Rejection, uow: UowDep) -> CredentialRead:
    """Reviewer: submitted → rejected with a reason. Publishes credential.rejected; 409 otherwise."""
    record = services.reject_credential(
        supplier_id=supplier_id,
        credential_id=credential_id,
        reviewer=body.reviewer,
        reason=body.reason,
        uow=uow,
    )
    return credential_read(record)


@router.post("/{credential_id}/revoke")
def revoke_credential(
    supplier_id: UUID, credential_id: UUID, body: Revocation, uow: UowDep
) -> CredentialRead:
    """verified → revoked (final), with an optional reason. Publishes credential.revoked; 409 otherwise."""
    record = services.revoke_credential(
        supplier_id=supplier_id, credential_id=credential_id, reason=body.reason, uow=uow
    )
    return credential_read(record)
