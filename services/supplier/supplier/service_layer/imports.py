"""Bulk imports: a job is created from the uploaded file, then processed batch by batch.

Every batch is one transaction that claims the job row (FOR UPDATE SKIP LOCKED), handles the
next rows from the committed cursor `processed_rows`, and commits their data, their outbox events
and the new cursor together. A worker that dies mid-batch leaves nothing of that batch, and the
next claim (by any worker) resumes at the cursor: restart-safe without leases or timeouts.

Modes: `best_effort` stores good rows batch by batch and reports bad ones. `all_or_nothing`
first validates every row (batches only advance the cursor), fails the job if any row is bad,
and otherwise stores all rows in one final transaction: there is never a half-imported batch.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, select, update
from sqlalchemy.exc import DBAPIError, OperationalError

from shared.db import make_engine
from shared.events import EventContract
from shared.logging import configure_logging
from shared.outbox import add_many_to_outbox
from shared.process import stop_on_signals
from supplier.adapters.orm import outbox
from supplier.adapters.tables.performance import import_jobs
from supplier.config import Settings
from supplier.domain.errors import SupplierError
from supplier.imports.rows import ImportFile, ImportFormat, ImportKind, ParsedRow, RowError
from supplier.service_layer import footprints, performance
from supplier.service_layer.unit_of_work import EVENT_SOURCE, UnitOfWork

MAX_STORED_ERRORS = 1000
MAX_ATTEMPTS = 3  # failed attempts of one batch before the job is failed
OPEN = ("queued", "running")
_JOB_COLUMNS = [c for c in import_jobs.c if c.name != "payload"]
log = logging.getLogger(__name__)


class ImportJobNotFound(SupplierError):
    def __init__(self, job_id: uuid.UUID) -> None:
        super().__init__(f"No import job with id {job_id}.")


def create_import(
    *,
    supplier_id: uuid.UUID,
    kind: ImportKind,
    format: ImportFormat,
    mode: str,
    payload: bytes,
    uow: UnitOfWork,
) -> dict[str, Any]:
    """Queue an import; a malformed file (header, JSON) is refused here and nothing is stored."""
    file = ImportFile.parse(payload, kind=kind, format=format)
    job_id = uuid.uuid4()
    with uow:
        performance.supplier_industry(uow.conn, supplier_id)
        uow.conn.execute(
            import_jobs.insert().values(
                id=job_id, supplier_id=supplier_id, kind=kind.value, format=format.value, mode=mode,
                status="queued", phase="validating" if mode == "all_or_nothing" else "storing",
                total_rows=len(file), processed_rows=0, accepted_rows=0, error_count=0, errors=[],
                payload=payload, created_at=datetime.now(UTC),
            )
        )  # fmt: skip
        uow.commit()
    return get_import(job_id=job_id, uow=uow)


def get_import(*, job_id: uuid.UUID, uow: UnitOfWork) -> dict[str, Any]:
    with uow:
        row = uow.conn.execute(select(*_JOB_COLUMNS).where(import_jobs.c.id == job_id)).mappings().first()
        if row is None:
            raise ImportJobNotFound(job_id)
        return dict(row)


class BatchFailed(Exception):
    """A batch of `job_id` failed with `error` (not a database outage); its transaction rolled back."""

    def __init__(self, job_id: uuid.UUID, error: Exception) -> None:
        super().__init__(f"import job {job_id}: {type(error).__name__}: {error}")
        self.job_id, self.error = job_id, error


class ImportRunner:
    """Processes open import jobs, one batch per call to `run_once`; `run` loops until stopped."""

    def __init__(self, engine: Engine, *, batch_size: int = 1000) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self._files: dict[uuid.UUID, ImportFile] = {}

    def run(self, stop: threading.Event, *, poll_interval_s: float) -> None:
        """Work until `stop` is set. A database outage is waited out and the batch retried; any
        other error counts an attempt on its job, which fails after MAX_ATTEMPTS: no crash loop."""
        while not stop.is_set():
            try:
                busy = self._run_once_counting_failures()
            except DBAPIError as error:
                if not _is_outage(error):
                    raise
                log.warning("database unavailable; retrying", extra={"error": str(error)})
                busy = False
            if not busy:
                stop.wait(poll_interval_s)

    def run_once(self) -> bool:
        """Handle one batch of the oldest open job not claimed by another worker; False if none.

        Raises BatchFailed (after rolling the batch back) when the batch fails for any reason but
        a database outage, which is raised as is.
        """
        job_id = None
        try:
            with self.engine.begin() as conn:
                job = _claim(conn)
                if job is None:
                    return False
                job_id = job["id"]
                self._handle(conn, job)
        except Exception as error:
            if job_id is None or _is_outage(error):
                raise
            raise BatchFailed(job_id, error) from error
        return True

    def _run_once_counting_failures(self) -> bool:
        try:
            return self.run_once()
        except BatchFailed as failure:
            self._record_failure(failure)
            return False

    def _handle(self, conn: Connection, job: RowMapping) -> None:
        parsed = self._parsed(conn, job)
        if job["phase"] == "validating":
            self._validate_batch(conn, job, parsed)
        elif job["mode"] == "all_or_nothing":
            self._store_everything(conn, job, parsed)
        else:
            self._store_batch(conn, job, parsed)

    def _record_failure(self, failure: BatchFailed) -> None:
        """Count a failed attempt on the job; the MAX_ATTEMPTS-th fails it with a job-level error."""
        self._files.pop(failure.job_id, None)  # parse the file afresh on the next attempt
        with self.engine.begin() as conn:
            job = conn.execute(
                select(import_jobs.c.attempts, import_jobs.c.errors, import_jobs.c.error_count)
                .where(import_jobs.c.id == failure.job_id, import_jobs.c.status.in_(OPEN))
                .with_for_update()
            ).first()
            if job is None:
                return
            attempts = job.attempts + 1
            log.error(
                "import batch failed", exc_info=failure.error,
                extra={"job_id": str(failure.job_id), "attempt": attempts, "max_attempts": MAX_ATTEMPTS},
            )  # fmt: skip
            changes: dict[str, Any] = {"attempts": attempts}
            if attempts >= MAX_ATTEMPTS:
                changes |= _stopped(job, failure.error, attempts)
            conn.execute(update(import_jobs).where(import_jobs.c.id == failure.job_id).values(**changes))

    def _parsed(self, conn: Connection, job: RowMapping) -> ImportFile:
        if job["id"] not in self._files:
            payload = conn.execute(
                select(import_jobs.c.payload).where(import_jobs.c.id == job["id"])
            ).scalar_one()
            kind, format = ImportKind(job["kind"]), ImportFormat(job["format"])
            self._files[job["id"]] = ImportFile.parse(payload, kind=kind, format=format)
        return self._files[job["id"]]

    def _validate_batch(self, conn: Connection, job: RowMapping, parsed: ImportFile) -> None:
        end = min(job["processed_rows"] + self.batch_size, job["total_rows"])
        rows = _checked_rows(conn, job, parsed, range(job["processed_rows"], end))
        errors = [error for row in rows for error in row.errors]
        changes: dict[str, Any] = {"processed_rows": end}
        if end == job["total_rows"]:
            changes |= {"phase": "storing"} if job["error_count"] + len(errors) == 0 else _finished("failed")
        self._update(conn, job, errors, changes)

    def _store_batch(self, conn: Connection, job: RowMapping, parsed: ImportFile) -> None:
        end = min(job["processed_rows"] + self.batch_size, job["total_rows"])
        rows = _checked_rows(conn, job, parsed, range(job["processed_rows"], end))
        good = [row.value for row in rows if not row.errors]
        add_many_to_outbox(conn, outbox, _store(conn, job, good), source=EVENT_SOURCE)
        changes = {"processed_rows": end, "accepted_rows": job["accepted_rows"] + len(good)}
        if end == job["total_rows"]:
            changes |= _finished("succeeded")
        self._update(conn, job, [error for row in rows for error in row.errors], changes)

    def _store_everything(self, conn: Connection, job: RowMapping, parsed: ImportFile) -> None:
        total = job["total_rows"]
        for start in range(0, total, self.batch_size):
            rows = [parsed.parse_row(index) for index in range(start, min(start + self.batch_size, total))]
            events = _store(conn, job, [row.value for row in rows])
            add_many_to_outbox(conn, outbox, events, source=EVENT_SOURCE)
        self._update(conn, job, [], {"accepted_rows": total} | _finished("succeeded"))

    def _update(
        self, conn: Connection, job: RowMapping, errors: list[RowError], changes: dict[str, Any]
    ) -> None:
        room = max(MAX_STORED_ERRORS - len(job["errors"]), 0)
        stored = [{"row": e.row, "field": e.field, "detail": e.detail} for e in errors[:room]]
        conn.execute(
            update(import_jobs)
            .where(import_jobs.c.id == job["id"])
            .values(
                status=changes.pop("status", "running"),
                started_at=job["started_at"] or datetime.now(UTC),
                errors=job["errors"] + stored,
                error_count=job["error_count"] + len(errors),
                attempts=0,  # counts consecutive failures of the current batch
                **changes,
            )
        )
        if "finished_at" in changes:
            self._files.pop(job["id"], None)


def _claim(conn: Connection) -> RowMapping | None:
    """Lock the oldest open job no other worker holds; it stays locked until the batch commits."""
    return (
        conn.execute(
            select(*_JOB_COLUMNS)
            .where(import_jobs.c.status.in_(OPEN))
            .order_by(import_jobs.c.created_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        .mappings()
        .first()
    )


def _is_outage(error: BaseException) -> bool:
    """Errors worth waiting out rather than counting against the job: the database is unreachable
    or refused for now (connection lost, shutdown, serialization failure, deadlock)."""
    return isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def _stopped(job: Any, error: Exception, attempts: int) -> dict[str, Any]:
    """The job failed as a whole: a job-level error (no row, no field) joins the row errors."""
    detail = f"internal error while importing: {type(error).__name__}"
    detail += f"; the job was stopped after {attempts} attempts"
    stopped = {"row": None, "field": None, "detail": detail}
    return {"errors": [*job.errors, stopped], "error_count": job.error_count + 1} | _finished("failed")


def _finished(status: str) -> dict[str, Any]:
    return {"status": status, "finished_at": datetime.now(UTC)}


def _checked_rows(conn: Connection, job: RowMapping, parsed: ImportFile, indexes: range) -> list[ParsedRow]:
    """Parse the rows, then add the errors only the whole file or the database can tell."""
    rows = [parsed.parse_unique_row(index) for index in indexes]
    values = [row.value for row in rows if not row.errors]
    if job["kind"] == ImportKind.PERFORMANCE:
        problems = _site_problems(conn, job["supplier_id"], values)
    else:
        problems = _footprint_problems(conn, values)
    return [_with_problem(row, problems.get(id(row.value))) for row in rows]


def _site_problems(conn: Connection, supplier_id: uuid.UUID, values: list[Any]) -> dict[int, tuple[str, str]]:
    unknown = performance.unknown_sites(conn, supplier_id, {v.site_id for v in values if v.site_id})
    return {id(v): ("site_id", "not a site of this supplier") for v in values if v.site_id in unknown}


def _footprint_problems(conn: Connection, values: list[Any]) -> dict[int, tuple[str, str]]:
    published = footprints.existing_ids(conn, [v.id for v in values])
    problems = {
        id(v): ("status", "only Active footprints are published") for v in values if v.status != "Active"
    }
    problems |= {
        id(v): ("id", "a footprint with this id is already published") for v in values if v.id in published
    }
    return problems


def _with_problem(row: ParsedRow, problem: tuple[str, str] | None) -> ParsedRow:
    if problem is None:
        return row
    return ParsedRow(row.row, None, (RowError(row.row, *problem),))


def _store(conn: Connection, job: RowMapping, values: list[Any]) -> list[EventContract]:
    if job["kind"] == ImportKind.FOOTPRINTS:
        return footprints.store_footprints(conn, job["supplier_id"], values)
    industry = performance.supplier_industry(conn, job["supplier_id"])
    checked = [performance.check_year(value, industry_code=industry) for value in values]
    return performance.store_years(conn, job["supplier_id"], checked)


def run_importer(settings: Settings) -> None:
    """The `supplier importer` process: work through import jobs until SIGTERM."""
    configure_logging(f"{settings.service_name}-importer", settings.log_level)
    stop = stop_on_signals()
    engine = make_engine(str(settings.database_url), pool_size=2)
    log.info("importer started")
    ImportRunner(engine, batch_size=settings.import_batch_rows).run(
        stop, poll_interval_s=settings.import_poll_interval_s
    )
    engine.dispose()
    log.info("importer stopped")
