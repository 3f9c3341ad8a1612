"""Bulk imports of yearly performance data and footprints, processed by the `supplier importer` worker."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile

from shared.problems import Problem
from supplier.api.dependencies import UowDep
from supplier.imports.rows import ImportFormat, ImportKind
from supplier.service_layer import imports as service

router = APIRouter(tags=["imports"])

Mode = Literal["all_or_nothing", "best_effort"]
_FORMATS = {"text/csv": ImportFormat.CSV, "application/json": ImportFormat.JSON}
_EXTENSIONS = {".csv": ImportFormat.CSV, ".json": ImportFormat.JSON}


class RowErrorRead(BaseModel):
    row: int | None = Field(
        description="1-based, counting data rows only (CSV: after the header; JSON: array index + 1); "
        "null for an error of the whole job"
    )
    field: str | None = Field(
        description="CSV column, or the JSON pointer inside the row; empty for the whole row, "
        "null for an error of the whole job"
    )
    detail: str


class ImportJobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    supplier_id: UUID
    kind: ImportKind
    format: ImportFormat
    mode: Mode
    status: Literal["queued", "running", "succeeded", "failed"]
    phase: Literal["validating", "storing"] = Field(description="all_or_nothing validates every row first")
    total_rows: int
    processed_rows: int
    accepted_rows: int
    progress_pct: float
    error_count: int = Field(description="all row errors; `errors` lists the first 1,000")
    errors: list[RowErrorRead]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def _read(job: dict[str, object]) -> ImportJobRead:
    total, processed = int(str(job["total_rows"])), int(str(job["processed_rows"]))
    progress = 100.0 if job["status"] in ("succeeded", "failed") else round(100 * processed / total, 1)
    return ImportJobRead.model_validate(job | {"progress_pct": progress})


@router.post("/v1/suppliers/{supplier_id}/imports", status_code=202)
async def create_import(
    supplier_id: UUID,
    request: Request,
    response: Response,
    uow: UowDep,
    kind: Annotated[ImportKind, Query(description="performance or footprints")],
    mode: Annotated[Mode, Query(description="all_or_nothing: any bad row stores nothing")] = "all_or_nothing",
) -> ImportJobRead:
    """Queue a bulk import from a CSV (`text/csv`) or JSON array (`application/json`) body, or a
    multipart `file`. A wrong header or malformed file is refused (422) before anything is stored;
    row errors are reported on the job. Answers 202 with `Location: /v1/imports/{job_id}`."""
    format, payload = await _payload(request)
    job = await run_in_threadpool(
        service.create_import,
        supplier_id=supplier_id, kind=kind, format=format, mode=mode, payload=payload, uow=uow,
    )  # fmt: skip
    response.headers["Location"] = f"/v1/imports/{job['id']}"
    return _read(job)


@router.get("/v1/imports/{job_id}")
def get_import(job_id: UUID, uow: UowDep) -> ImportJobRead:
    """An import job: status, progress and per-row errors `{row, field, detail}`."""
    return _read(service.get_import(job_id=job_id, uow=uow))


async def _payload(request: Request) -> tuple[ImportFormat, bytes]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in _FORMATS:
        return _FORMATS[content_type], await request.body()
    if content_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if isinstance(upload, UploadFile):
            return _upload_format(upload), await upload.read()
        raise Problem(
            422, "Invalid request", "Send the file as the `file` part.", errors=[_file_error("missing")]
        )
    raise Problem(415, "Unsupported media type", "Send text/csv, application/json or a multipart file.")


def _upload_format(upload: UploadFile) -> ImportFormat:
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    suffix = "." + (upload.filename or "").rsplit(".", 1)[-1].lower()
    format = _FORMATS.get(content_type) or _EXTENSIONS.get(suffix)
    if format is None:
        detail = "a .csv or .json file (text/csv or application/json)"
        raise Problem(422, "Invalid request", f"The file must be {detail}.", errors=[_file_error(detail)])
    return format


def _file_error(detail: str) -> dict[str, str]:
    return {"pointer": "#/file", "detail": detail}
