"""The importer's worker loop on real PostgreSQL when a batch keeps failing: no crash loop.

A non-transient error counts an attempt on the job; the third fails the job with a job-level error
and the worker goes on with the next job. A database outage is waited out and not counted.
The failures are forced by replacing the batch-store function while the loop runs in a thread.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.exc import OperationalError

from launcher.paths import free_port
from launcher.postgres import PostgresServer
from launcher.testing import migrated_database, wait_until
from shared.contracts.supplier import PerformanceReported
from supplier.adapters.orm import outbox
from supplier.adapters.tables.performance import import_jobs, performance_years
from supplier.imports.rows import ImportFormat, ImportKind
from supplier.service_layer import imports
from supplier.service_layer.imports import ImportRunner, create_import
from supplier.service_layer.services import register_supplier
from supplier.service_layer.unit_of_work import UnitOfWork


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    # Not under pytest's basetemp: a concurrent pytest run resets that tree to owner-only access,
    # which would lock out the unprivileged user PostgreSQL runs as.
    data_dir = Path(tempfile.mkdtemp(prefix="importer-pg-"))
    server = PostgresServer(data_dir, port=free_port())
    server.start()
    engine = create_engine(migrated_database(server, "supplier"))
    yield engine
    engine.dispose()
    server.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


def queue(engine: Engine, *, years: int, mode: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A new supplier and a queued CSV import of `years` supplier-wide years; (supplier, job) ids."""
    supplier = register_supplier(
        legal_name="Failing Import Co", country="DE", industry_code="C3825", uscc=None,
        registry_id=f"DE:{uuid.uuid4().hex}", uow=UnitOfWork(engine),
    )  # fmt: skip
    lines = ["year,energy_kgce,energy_kgce_tier"] + [f"{2001 + n},1200,primary" for n in range(years)]
    job = create_import(
        supplier_id=supplier.id, kind=ImportKind.PERFORMANCE, format=ImportFormat.CSV, mode=mode,
        payload="\n".join(lines).encode(), uow=UnitOfWork(engine),
    )  # fmt: skip
    return supplier.id, job["id"]


def failing_store(
    monkeypatch: pytest.MonkeyPatch, job_id: uuid.UUID, errors: Callable[[], Exception | None]
) -> None:
    """Make storing a batch of `job_id` raise `errors()` (when it is not None); other jobs store."""
    store = imports._store

    def maybe_failing(conn: Any, job: Any, values: list[Any]) -> Any:
        error = errors() if job["id"] == job_id else None
        if error is not None:
            raise error
        return store(conn, job, values)

    monkeypatch.setattr(imports, "_store", maybe_failing)


def failing_times(n: int, make: Callable[[], Exception]) -> Callable[[], Exception | None]:
    """`make()` for the first `n` calls, then None."""
    calls = iter(range(n))
    return lambda: make() if next(calls, None) is not None else None


@pytest.fixture
def start_worker(engine: Engine) -> Iterator[Callable[[], None]]:
    """Starts the importer's `run` loop in-process (batches of 2 rows), once the failures are set up."""
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def start() -> None:
        runner = ImportRunner(engine, batch_size=2)
        threads.append(threading.Thread(target=runner.run, args=(stop,), kwargs={"poll_interval_s": 0.05}))
        threads[0].start()

    yield start
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()


def job_row(engine: Engine, job_id: uuid.UUID) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(import_jobs).where(import_jobs.c.id == job_id)).one()


def finished(engine: Engine, job_id: uuid.UUID) -> Any:
    assert wait_until(lambda: job_row(engine, job_id).status in ("succeeded", "failed"), timeout_s=120)
    return job_row(engine, job_id)


def stored(engine: Engine, supplier_id: uuid.UUID) -> tuple[int, int]:
    """(performance years, PerformanceReported outbox rows) of the supplier."""
    with engine.connect() as conn:
        years = conn.execute(
            select(func.count()).where(performance_years.c.supplier_id == supplier_id)
        ).scalar_one()
        events = conn.execute(
            select(func.count()).where(
                outbox.c.key == str(supplier_id), outbox.c.event_type == PerformanceReported.event_type
            )
        ).scalar_one()
    return years, events


def test_a_job_that_keeps_failing_is_stopped_after_3_attempts_and_the_worker_goes_on(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, start_worker
):
    broken_supplier, broken = queue(engine, years=5, mode="all_or_nothing")
    next_supplier, following = queue(engine, years=3, mode="best_effort")
    failing_store(monkeypatch, broken, lambda: RuntimeError("a bug in the store path"))
    start_worker()
    job = finished(engine, broken)
    assert finished(engine, following).status == "succeeded"  # the worker kept serving
    assert (job.status, job.attempts, job.processed_rows, job.accepted_rows) == ("failed", 3, 5, 0)
    detail = "internal error while importing: RuntimeError; the job was stopped after 3 attempts"
    assert job.errors == [{"row": None, "field": None, "detail": detail}]
    assert (job.error_count, job.finished_at is not None) == (1, True)
    assert stored(engine, broken_supplier) == (0, 0)  # all_or_nothing: nothing partial
    assert stored(engine, next_supplier) == (3, 3)
    logged = [r for r in caplog.records if getattr(r, "job_id", None) == str(broken)]
    assert [r.attempt for r in logged] == [1, 2, 3]
    assert all(r.exc_info and isinstance(r.exc_info[1], RuntimeError) for r in logged)


def test_a_database_outage_is_waited_out_and_not_counted(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, start_worker: Callable[[], None]
):
    supplier_id, job_id = queue(engine, years=5, mode="best_effort")
    outage = failing_times(
        4, lambda: OperationalError("INSERT", {}, Exception("server closed the connection"))
    )
    failing_store(monkeypatch, job_id, outage)
    start_worker()
    job = finished(engine, job_id)
    assert (job.status, job.attempts, job.accepted_rows, job.errors) == ("succeeded", 0, 5, [])
    assert stored(engine, supplier_id) == (5, 5)
    assert outage() is None  # all four outages happened


def test_a_failure_that_clears_lets_the_job_finish_with_every_row_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, start_worker: Callable[[], None]
):
    supplier_id, job_id = queue(engine, years=5, mode="best_effort")
    flaky = failing_times(2, lambda: ValueError("flaky"))
    failing_store(monkeypatch, job_id, flaky)
    start_worker()
    job = finished(engine, job_id)
    assert (job.status, job.attempts, job.accepted_rows, job.errors) == ("succeeded", 0, 5, [])
    assert stored(engine, supplier_id) == (5, 5)  # the rolled-back attempts left no duplicates
    assert flaky() is None  # both failures happened
