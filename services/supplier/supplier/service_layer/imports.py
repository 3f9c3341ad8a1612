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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, select, text, update
from sqlalchemy.exc import OperationalError

from shared.db import make_engine
from shared.events import EventContract
from shared.logging import configure_logging
from shared.outbox import NOTIFY_CHANNEL
from shared.process import stop_on_signals
from supplier.adapters.orm import outbox
from supplier.adapters.tables.performance import import_jobs
from supplier.config import Settings
from supplier.domain.errors import SupplierError
from supplier.imports.rows import ImportFile, ImportFormat, ImportKind, ParsedRow, RowError
from supplier.service_layer import footprints, performance
from supplier.service_layer.unit_of_work import EVENT_SOURCE, UnitOfWork

MAX_STORED_ERRORS = 1000
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


@dataclass
class _Parsed:
    """A job's file, parsed once per worker, and the first row number of every unique key."""

    file: ImportFile
    first_rows: dict[Any, int] = field(default_factory=dict)

    @classmethod
    def of(cls, file: ImportFile) -> _Parsed:
        parsed = cls(file)
        for index in range(len(file)):
            parsed.first_rows.setdefault(file.key(index), index + 1)
        return parsed


class ImportRunner:
    """Processes open import jobs, one batch per call to `run_once`; `run` loops until stopped."""

    def __init__(self, engine: Engine, *, batch_size: int = 1000) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self._files: dict[uuid.UUID, _Parsed] = {}

    def run(self, stop: threading.Event, *, poll_interval_s: float) -> None:
        """Work until `stop` is set; a database outage is waited out, the batch is simply retried."""
        while not stop.is_set():
            try:
                busy = self.run_once()
            except OperationalError as error:
                log.warning("database unavailable; retrying", extra={"error": str(error)})
                busy = False
            if not busy:
                stop.wait(poll_interval_s)

    def run_once(self) -> bool:
        """Handle one batch of the oldest open job not claimed by another worker; False if none."""
        with self.engine.begin() as conn:
            job = (
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
            if job is None:
                return False
            parsed = self._parsed(conn, job)
            if job["phase"] == "validating":
                self._validate_batch(conn, job, parsed)
            elif job["mode"] == "all_or_nothing":
                self._store_everything(conn, job, parsed)
            else:
                self._store_batch(conn, job, parsed)
        return True

    def _parsed(self, conn: Connection, job: RowMapping) -> _Parsed:
        if job["id"] not in self._files:
            payload = conn.execute(
                select(import_jobs.c.payload).where(import_jobs.c.id == job["id"])
            ).scalar_one()
            file = ImportFile.parse(payload, kind=ImportKind(job["kind"]), format=ImportFormat(job["format"]))
            self._files[job["id"]] = _Parsed.of(file)
        return self._files[job["id"]]

    def _validate_batch(self, conn: Connection, job: RowMapping, parsed: _Parsed) -> None:
        end = min(job["processed_rows"] + self.batch_size, job["total_rows"])
        rows = _checked_rows(conn, job, parsed, range(job["processed_rows"], end))
        errors = [error for row in rows for error in row.errors]
        changes: dict[str, Any] = {"processed_rows": end}
        if end == job["total_rows"]:
            changes |= {"phase": "storing"} if job["error_count"] + len(errors) == 0 else _finished("failed")
        self._update(conn, job, errors, changes)

    def _store_batch(self, conn: Connection, job: RowMapping, parsed: _Parsed) -> None:
        end = min(job["processed_rows"] + self.batch_size, job["total_rows"])
        rows = _checked_rows(conn, job, parsed, range(job["processed_rows"], end))
        good = [row.value for row in rows if not row.errors]
        _publish_all(conn, _store(conn, job, good))
        changes = {"processed_rows": end, "accepted_rows": job["accepted_rows"] + len(good)}
        if end == job["total_rows"]:
            changes |= _finished("succeeded")
        self._update(conn, job, [error for row in rows for error in row.errors], changes)

    def _store_everything(self, conn: Connection, job: RowMapping, parsed: _Parsed) -> None:
        total = job["total_rows"]
        for start in range(0, total, self.batch_size):
            rows = [
                parsed.file.parse_row(index) for index in range(start, min(start + self.batch_size, total))
            ]
            _publish_all(conn, _store(conn, job, [row.value for row in rows]))
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
                **changes,
            )
        )
        if "finished_at" in changes:
            self._files.pop(job["id"], None)


def _finished(status: str) -> dict[str, Any]:
    return {"status": status, "finished_at": datetime.now(UTC)}


def _checked_rows(conn: Connection, job: RowMapping, parsed: _Parsed, indexes: range) -> list[ParsedRow]:
    """Parse the rows, then add the errors only the whole file or the database can tell."""
    rows = [_unique(parsed, parsed.file.parse_row(index)) for index in indexes]
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


def _unique(parsed: _Parsed, row: ParsedRow) -> ParsedRow:
    first = parsed.first_rows.get(parsed.file.key(row.row - 1), row.row)
    if first == row.row or row.errors:
        return row
    field_name = "year" if parsed.file.kind is ImportKind.PERFORMANCE else "id"
    return ParsedRow(row.row, None, (RowError(row.row, field_name, f"duplicates row {first}"),))


def _store(conn: Connection, job: RowMapping, values: list[Any]) -> list[EventContract]:
    if job["kind"] == ImportKind.FOOTPRINTS:
        return footprints.store_footprints(conn, job["supplier_id"], values)
    industry = performance.supplier_industry(conn, job["supplier_id"])
    checked = [performance.check_year(value, industry_code=industry) for value in values]
    return performance.store_years(conn, job["supplier_id"], checked)


def _publish_all(conn: Connection, events: list[EventContract]) -> None:
    """Outbox rows for many events in one statement (the unit of work writes them one by one)."""
    if not events:
        return
    conn.execute(
        outbox.insert(),
        [
            {
                "event_id": uuid.uuid4(),
                "topic": event.topic,
                "key": event.partition_key,
                "event_type": event.event_type,
                "source": EVENT_SOURCE,
                "payload": event.model_dump(mode="json"),
            }
            for event in events
        ],
    )
    conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})


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
