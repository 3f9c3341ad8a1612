"""The outbox loses nothing: Kafka down, relay killed mid-batch. Real PostgreSQL, real Kafka."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select

from launcher.kafka import KafkaBroker, load_topics
from launcher.paths import free_port
from launcher.stack import Stack
from launcher.testing import header, migrated_database, read_topic, wait_until
from shared.contracts.supplier import SupplierRegistered
from shared.outbox import add_to_outbox
from supplier.adapters.orm import outbox
from supplier.service_layer.services import register_supplier
from supplier.service_layer.unit_of_work import UnitOfWork

TOPIC = "supplier.events"


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    """These tests stop this broker and flood its topic, so it is not the shared stack's."""
    broker = KafkaBroker(tmp_path_factory.mktemp("kafka"), port=free_port(), controller_port=free_port())
    broker.start()
    broker.create_topics(load_topics())
    yield broker
    broker.stop()


@pytest.fixture
def database(stack: Stack) -> Iterator[Engine]:
    engine = create_engine(migrated_database(stack.postgres, "supplier"))
    yield engine
    engine.dispose()


def start_relay(database_url: str, bootstrap_servers: str, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
        "INTERNAL_TOKEN": "unused",
        "RELAY_POLL_INTERVAL_S": "0.2",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "supplier.cli", "relay"], env=env, stdout=out, stderr=out
        )


def write_ordered_events(engine: Engine, *, suppliers: int, per_supplier: int) -> dict[str, list[str]]:
    """Each supplier's events in commit order: legal_name carries the sequence number."""
    expected: dict[str, list[str]] = defaultdict(list)
    for seq in range(per_supplier):
        with engine.begin() as conn:
            for n in range(suppliers):
                supplier_id = uuid.UUID(int=n + 1)
                event = SupplierRegistered(
                    supplier_id=supplier_id, legal_name=str(seq), country="CN", industry_code="C3825"
                )
                expected[str(supplier_id)].append(str(add_to_outbox(conn, outbox, event, source="/test")))
    return expected


def pending(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(outbox.c.published_at.is_(None))).scalar_one()


def published_by_key(bootstrap: str, ids: set[str]) -> dict[str, list[str]]:
    records = read_topic(bootstrap, TOPIC, until=lambda rs: {header(r, "ce_id") for r in rs} >= ids)
    by_key: dict[str, list[str]] = defaultdict(list)
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        if (event_id := header(record, "ce_id")) in ids:
            by_key[record.key.decode()].append(event_id)
    return by_key


def test_writes_succeed_while_kafka_is_down_and_every_row_is_published_once_in_order(
    database: Engine, broker: KafkaBroker, tmp_path: Path
):
    broker.stop()  # Kafka is down from here on

    registered = [
        register_supplier(
            legal_name=f"Outage {n}",
            country="DE",
            industry_code="C3825",
            uscc=None,
            registry_id=f"DE:{uuid.uuid4().hex}",
            uow=UnitOfWork(database),
        )
        for n in range(10)
    ]
    expected = write_ordered_events(database, suppliers=5, per_supplier=8)
    assert pending(database) == 10 + 40  # the outbox grows; nothing is lost or marked

    relay = start_relay(
        str(database.url.render_as_string(hide_password=False)),
        broker.bootstrap_servers,
        tmp_path / "relay.log",
    )
    try:
        assert not wait_until(lambda: pending(database) < 50, timeout_s=3)  # still down: rows stay pending
        broker.start()
        assert wait_until(lambda: pending(database) == 0, timeout_s=90), (tmp_path / "relay.log").read_text()[
            -3000:
        ]
        all_ids = {i for ids in expected.values() for i in ids}
        by_key = published_by_key(broker.bootstrap_servers, all_ids)
        assert by_key == expected  # every row exactly once, in commit order per supplier
        assert {str(s.id) for s in registered} <= set(
            r.key.decode()
            for r in read_topic(broker.bootstrap_servers, TOPIC, until=lambda rs: len(rs) >= 50)
        )
    finally:
        relay.send_signal(signal.SIGTERM)
        relay.wait(timeout=30)
        if not broker.running:
            broker.start()


def test_relay_killed_mid_batch_loses_nothing(database: Engine, broker: KafkaBroker, tmp_path: Path):
    expected = write_ordered_events(database, suppliers=5, per_supplier=3000)
    total = 15_000
    url = database.url.render_as_string(hide_password=False)
    relay = start_relay(url, broker.bootstrap_servers, tmp_path / "relay.log")
    assert wait_until(lambda: pending(database) < total, timeout_s=60, interval_s=0.01)
    relay.send_signal(signal.SIGKILL)  # a crash: no clean shutdown, possibly between publish and mark
    relay.wait()
    left = pending(database)
    assert 0 < left < total, "the kill should land mid-way; make the batch larger if this machine is fast"

    relay = start_relay(url, broker.bootstrap_servers, tmp_path / "relay.log")
    try:
        assert wait_until(lambda: pending(database) == 0, timeout_s=120)
    finally:
        relay.send_signal(signal.SIGTERM)
        relay.wait(timeout=30)
    by_key = published_by_key(broker.bootstrap_servers, {i for ids in expected.values() for i in ids})
    for key, ids in expected.items():
        first_seen = list(dict.fromkeys(by_key[key]))  # duplicates are allowed (at-least-once)...
        assert first_seen == ids  # ...loss and reordering are not
