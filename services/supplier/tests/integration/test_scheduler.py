"""The expiry scheduler on real PostgreSQL: batching, no duplicates, downtime catch-up, expiry, locking."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select, text

from launcher.paths import free_port
from launcher.postgres import PostgresServer
from launcher.testing import migrated_database, wait_until
from shared.contracts.supplier import CredentialExpired, CredentialExpiring
from supplier.adapters.blobs import LocalBlobStore
from supplier.adapters.orm import outbox, suppliers
from supplier.adapters.tables.credentials import credentials, reminders_sent
from supplier.domain.credentials import parse_credential
from supplier.service_layer.credentials import revoke_credential, submit_credential, verify_credential
from supplier.service_layer.scheduler import ROUND_LOCK_KEY, run_round
from supplier.service_layer.unit_of_work import UnitOfWork

T = date(2031, 3, 1)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    # Not under pytest's basetemp: a concurrent pytest run resets that tree to owner-only access,
    # which would lock out the unprivileged user PostgreSQL runs as.
    data_dir = Path(tempfile.mkdtemp(prefix="scheduler-pg-"))
    server = PostgresServer(data_dir, port=free_port())
    server.start()
    yield server
    server.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def engine(postgres: PostgresServer) -> Iterator[Engine]:
    """A fresh database per test: the scheduler looks at every credential there is."""
    engine = create_engine(migrated_database(postgres, "supplier"))
    yield engine
    engine.dispose()


def new_supplier(engine: Engine) -> uuid.UUID:
    supplier_id = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(
            suppliers.insert().values(
                id=supplier_id,
                legal_name="Scheduled Co",
                country="DE",
                industry_code="C3825",
                registry_id=f"DE:{supplier_id.hex}",
                version=1,
                created_at=datetime.now(UTC),
            )
        )
    return supplier_id


def certificate(engine: Engine, supplier_id: uuid.UUID, expires_on: date, tmp_path: Path) -> uuid.UUID:
    credential = parse_credential(
        {
            "type": "iso_14001",
            "number": uuid.uuid4().hex,
            "issuer": "CQC",
            "standard": "ISO 14001:2015",
            "scope": "fasteners",
            "issued_on": str(expires_on - timedelta(days=3 * 365)),
            "expires_on": str(expires_on),
        }
    )
    record = submit_credential(
        supplier_id=supplier_id,
        credential=credential,
        document=None,
        blobs=LocalBlobStore(tmp_path),
        uow=UnitOfWork(engine),
    )
    return record.id


def round_on(engine: Engine, day: date, grace_days: int = 30):
    return run_round(today=day, grace_days=grace_days, uow=UnitOfWork(engine))


def published(engine: Engine, contract):
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.payload).where(outbox.c.event_type == contract.event_type).order_by(outbox.c.seq)
        )
        return [contract.model_validate(row.payload) for row in rows]


def sent_rows(engine: Engine, credential_id: uuid.UUID) -> dict[int, bool]:
    with engine.connect() as conn:
        rows = conn.execute(select(reminders_sent).where(reminders_sent.c.credential_id == credential_id))
        return {row.threshold_days: row.skipped for row in rows}


def test_reminders_are_batched_per_supplier_and_never_sent_twice(engine, tmp_path):
    alpha, beta = new_supplier(engine), new_supplier(engine)
    soon = certificate(engine, alpha, T + timedelta(days=30), tmp_path)
    later = certificate(engine, alpha, T + timedelta(days=85), tmp_path)
    urgent = certificate(engine, beta, T + timedelta(days=7), tmp_path)
    certificate(engine, beta, T + timedelta(days=200), tmp_path)  # no threshold reached yet

    result = round_on(engine, T)
    assert (result.reminders, result.suppliers_notified) == (3, 2)
    batches = {e.supplier_id: e for e in published(engine, CredentialExpiring)}
    assert set(batches) == {alpha, beta}
    assert {(r.credential.credential_id, r.days_before) for r in batches[alpha].reminders} == {
        (soon, 30),
        (later, 90),
    }
    assert [(r.credential.credential_id, r.days_before) for r in batches[beta].reminders] == [(urgent, 7)]

    assert round_on(engine, T).reminders == 0  # a second run the same day, or a restart
    assert round_on(engine, T + timedelta(days=1)).reminders == 0
    assert len(published(engine, CredentialExpiring)) == 2
    assert round_on(engine, T + timedelta(days=25)).reminders == 2  # later: 60 days; soon: 7 days
    assert len(published(engine, CredentialExpiring)) == 3


def test_after_downtime_only_the_most_imminent_reminder_is_sent(engine, tmp_path):
    supplier = new_supplier(engine)
    credential = certificate(engine, supplier, T + timedelta(days=100), tmp_path)
    assert round_on(engine, T).reminders == 0
    # The scheduler was down from T+1 to T+94: the 90, 60 and 30 day thresholds passed unseen.
    round_on(engine, T + timedelta(days=95))
    [event] = published(engine, CredentialExpiring)
    assert [(r.credential.credential_id, r.days_before) for r in event.reminders] == [(credential, 7)]
    assert sent_rows(engine, credential) == {90: True, 60: True, 30: True, 7: False}
    assert round_on(engine, T + timedelta(days=96)).reminders == 0


def test_expired_after_the_grace_period_with_an_event(engine, tmp_path):
    supplier = new_supplier(engine)
    expires_on = T - timedelta(days=40)
    credential = certificate(engine, supplier, expires_on, tmp_path)
    verify_credential(supplier_id=supplier, credential_id=credential, reviewer="r", uow=UnitOfWork(engine))
    revoked = certificate(engine, supplier, expires_on, tmp_path)
    verify_credential(supplier_id=supplier, credential_id=revoked, reviewer="r", uow=UnitOfWork(engine))
    revoke_credential(supplier_id=supplier, credential_id=revoked, reason=None, uow=UnitOfWork(engine))

    assert round_on(engine, expires_on + timedelta(days=30)).expired == 0  # the last day of grace
    assert round_on(engine, expires_on + timedelta(days=31)).expired == 1
    [event] = published(engine, CredentialExpired)
    assert event.credential.credential_id == credential
    assert event.credential.state == "expired"
    assert event.credential.version == 3
    assert round_on(engine, T).expired == 0  # expired is final; revoked stays revoked
    with engine.connect() as conn:
        states = dict(conn.execute(select(credentials.c.id, credentials.c.state)).all())
    assert states == {credential: "expired", revoked: "revoked"}


def test_grace_days_are_configurable(engine, tmp_path):
    supplier = new_supplier(engine)
    expires_on = T - timedelta(days=1)
    certificate(engine, supplier, expires_on, tmp_path)
    assert round_on(engine, T, grace_days=30).expired == 0
    assert round_on(engine, T, grace_days=0).expired == 1


def test_a_second_scheduler_skips_the_round_while_one_runs(engine, tmp_path):
    supplier = new_supplier(engine)
    certificate(engine, supplier, T + timedelta(days=7), tmp_path)
    with engine.begin() as other_scheduler:
        other_scheduler.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ROUND_LOCK_KEY})
        assert not round_on(engine, T).ran
    assert published(engine, CredentialExpiring) == []
    assert round_on(engine, T).reminders == 1


def test_the_scheduler_process_sends_todays_reminders_and_stops_on_sigterm(engine, tmp_path):
    supplier = new_supplier(engine)
    certificate(engine, supplier, datetime.now(UTC).date() + timedelta(days=20), tmp_path)
    env = os.environ | {
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9",
        "INTERNAL_TOKEN": "unused",
        "REMINDER_INTERVAL_S": "0.2",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = tmp_path / "scheduler.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "supplier.cli", "scheduler"], env=env, stdout=out, stderr=out
        )
    try:
        assert wait_until(lambda: len(published(engine, CredentialExpiring)) == 1, timeout_s=60), (
            log.read_text()
        )
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, log.read_text()
    [event] = published(engine, CredentialExpiring)
    assert event.reminders[0].days_before == 30
