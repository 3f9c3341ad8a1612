"""A credential's document: attach it after the submission, download it (streamed)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from supplier.api.dependencies import UowDep
from supplier.api.routes.credentials import CredentialRead, credential_read
from supplier.api.uploads import (
    MULTIPART,
    BlobsDep,
    DocumentLimitDep,
    checked_upload,
    field_problem,
    read_multipart,
)
from supplier.domain.documents import EXTENSIONS
from supplier.service_layer import credentials as services

router = APIRouter(prefix="/v1/suppliers/{supplier_id}/credentials/{credential_id}", tags=["documents"])

_DOCUMENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            MULTIPART: {
                "schema": {
                    "type": "object",
                    "required": ["document"],
                    "properties": {"document": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@router.post("/document", openapi_extra=_DOCUMENT_BODY)
async def attach_document(
    supplier_id: UUID,
    credential_id: UUID,
    request: Request,
    uow: UowDep,
    blobs: BlobsDep,
    max_document_bytes: DocumentLimitDep,
) -> CredentialRead:
    """Attach the document (multipart `document` part: PDF, PNG or JPEG, checked by content) to a
    submitted credential that has none. Publishes credential.submitted with the document's sha256.
    """
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(MULTIPART):
        raise field_problem(415, "Unsupported media type", "document", f"send {MULTIPART}")
    parts = await read_multipart(content_type, request.stream(), {"document": max_document_bytes})
    if "document" not in parts:
        raise field_problem(422, "Invalid request", "document", "Field required")
    document = await run_in_threadpool(checked_upload, parts["document"], max_bytes=max_document_bytes)
    record = await run_in_threadpool(
        services.attach_document,
        supplier_id=supplier_id,
        credential_id=credential_id,
        document=document,
        blobs=blobs,
        uow=uow,
    )
    return credential_read(record)


@router.get(
    "/document",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}}},
)
def download_document(
    supplier_id: UUID, credential_id: UUID, request: Request, uow: UowDep, blobs: BlobsDep
) -> Response:
    """The credential's document, streamed with its media type; `ETag` is its sha256 (so a
    matching `If-None-Match` answers 304)."""
    document = services.credential_document(supplier_id=supplier_id, credential_id=credential_id, uow=uow)
    etag = f'"{document.sha256}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    headers = {
        "ETag": etag,
        "Content-Length": str(document.size_bytes),
        "Content-Disposition": f'attachment; filename="{credential_id}.{EXTENSIONS[document.media_type]}"',
    }
    return StreamingResponse(blobs.open(document.sha256), media_type=document.media_type, headers=headers)
