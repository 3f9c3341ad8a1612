"""The scoring consumer and relay processes on real Kafka and PostgreSQL: supplier events in,
scorecards and compliance events out; idempotent, replayable, dead-letters bad input.

The broker and the two processes (`scoring consume`, `scoring relay`, as the launcher runs them)
belong to this module, so it does not depend on the other services being startable.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial

import pytest
from sqlalchemy import Engine, create_engine, func, select

from launcher.kafka import KafkaBroker, load_topics
from launcher.paths import free_port
from launcher.postgres import PostgresServer
from launcher.testing import header, migrated_database, read_topic, wait_until
from scoring.adapters.orm import outbox, processed_events
from scoring.adapters.tables.scorecards import scorecards
from scoring.domain import ModelRegistry
from scoring.service_layer.handlers import handle_event
from shared.contracts.supplier import SupplierRegistered
from shared.events import EventContract, encode, kafka_headers
from shared.kafka import ConsumerLoop, DeadLetters, make_consumer, make_producer

TOPIC = "supplier.events"
SCORE_CHANGED = "greenchain.compliance.score.changed.v1"


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    broker = KafkaBroker(tmp_path_factory.mktemp("kafka"), port=free_port(), controller_port=free_port())
    broker.start()
    broker.create_topics(load_topics())
    yield broker
    broker.stop()


@pytest.fixture(scope="module")
def database_url(scoring_postgres: PostgresServer) -> str:
    return migrated_database(scoring_postgres, "scoring")


@pytest.fixture(scope="module")
def processes(
    broker: KafkaBroker, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """`scoring consume` and `scoring relay`, stopped (by their own ids) when the module ends."""
    env = os.environ | {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
        "INTERNAL_TOKEN": "unused",
        "RELAY_POLL_INTERVAL_S": "0.2",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = tmp_path_factory.mktemp("logs") / "scoring.log"
    started = []
    with log.open("ab") as out:
        for command in ("consume", "relay"):
            started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "scoring.cli", command], env=env, stdout=out, stderr=out
                )
            )
    yield
    for process in started:
        process.send_signal(signal.SIGTERM)
    for process in started:
        process.wait(timeout=30)


@pytest.fixture
def scoring_db(database_url: str, processes: None) -> Iterator[Engine]:
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def producer(broker: KafkaBroker):
    producer = make_producer(broker.bootstrap_servers)
    yield producer
    producer.close()


def registered_message(supplier_id: uuid.UUID, event_id: uuid.UUID):
    data = SupplierRegistered(
        supplier_id=supplier_id,
        legal_name="Idem Co",
        country="CN",
        uscc="91350100M000100Y43",
        industry_code="C3825",
    )
    return message_of(data, event_id)


def message_of(data: EventContract, event_id: uuid.UUID | None = None):
    return encode(
        event_id=event_id or uuid.uuid4(),
        event_type=data.event_type,
        source="/test",
        time=datetime.now(UTC),
        key=str(data.supplier_id),
        data=data.model_dump(mode="json"),
        correlation_id=None,
    )


def send(producer, message) -> None:
    producer.send(TOPIC, key=message.key.encode(), value=message.value, headers=kafka_headers(message)).get(
        10
    )


def count(engine: Engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def has_scorecard(engine: Engine, supplier_id: uuid.UUID) -> bool:
    return count(engine, scorecards, scorecards.c.supplier_id == supplier_id) == 1


def test_the_same_event_delivered_twice_has_one_effect(broker: KafkaBroker, scoring_db: Engine, producer):
    supplier_id, event_id = uuid.uuid4(), uuid.uuid4()
    message = registered_message(supplier_id, event_id)
    send(producer, message)
    send(producer, message)  # a redelivery: same event id
    # A third event with the same key lands on the same partition, so it is handled after both copies.
    sentinel = uuid.uuid4()
    send(producer, registered_message(supplier_id, sentinel))

    handled = processed_events.c.event_id == sentinel
    assert wait_until(lambda: count(scoring_db, processed_events, handled) == 1, timeout_s=30)
    assert count(scoring_db, processed_events, processed_events.c.event_id == event_id) == 1
    score_changed = outbox.c.event_type == SCORE_CHANGED
    assert count(scoring_db, outbox, outbox.c.key == str(supplier_id), score_changed) == 1  # not two


def test_replaying_the_topic_from_offset_zero_changes_nothing(
    broker: KafkaBroker, scoring_db: Engine, producer
):
    latest = uuid.uuid4()
    send(producer, registered_message(latest, uuid.uuid4()))
    assert wait_until(lambda: has_scorecard(scoring_db, latest), timeout_s=30)
    before = (count(scoring_db, outbox), count(scoring_db, scorecards), count(scoring_db, processed_events))

    group = f"scoring-replay-{uuid.uuid4().hex[:6]}"  # a new group starts from offset 0
    consumer = make_consumer(broker.bootstrap_servers, group_id=group, topics=[TOPIC])
    dead_letters = DeadLetters(producer, group)
    handler = partial(handle_event, engine=scoring_db, registry=ModelRegistry.from_package())
    loop = ConsumerLoop(consumer, handler, dead_letters, name=group)
    stop = threading.Event()
    try:

        def caught_up() -> bool:
            loop.poll_once(stop)
            assignment = consumer.assignment()
            return bool(assignment) and all(
                consumer.position(tp) >= (consumer.highwater(tp) or 0) for tp in assignment
            )

        assert wait_until(caught_up, timeout_s=60, interval_s=0)
    finally:
        consumer.close()
    assert (
        count(scoring_db, outbox),
        count(scoring_db, scorecards),
        count(scoring_db, processed_events),
    ) == before


def test_a_malformed_message_goes_to_the_dead_letter_topic_and_the_consumer_keeps_going(
    broker: KafkaBroker, scoring_db: Engine, producer
):
    marker = uuid.uuid4().hex.encode()
    producer.send(TOPIC, key=b"garbage", value=b"not a cloud event " + marker).get(10)
    broken = registered_message(uuid.uuid4(), uuid.uuid4())
    headers = kafka_headers(broken)
    producer.send(
        TOPIC, key=broken.key.encode(), value=b'{"legal_name": "' + marker + b'"}', headers=headers
    ).get(10)
    after = uuid.uuid4()
    send(producer, registered_message(after, uuid.uuid4()))

    assert wait_until(lambda: has_scorecard(scoring_db, after), timeout_s=30)  # the consumer kept going
    dead = read_topic(
        broker.bootstrap_servers,
        f"{TOPIC}.dlq",
        until=lambda rs: sum(marker in (r.value or b"") for r in rs) >= 2,
    )
    mine = [r for r in dead if marker in (r.value or b"")]
    assert len(mine) == 2
    errors = sorted(header(r, "dlq_error") or "" for r in mine)
    assert "does not match its contract" in errors[0]
    assert "supplier_id" in errors[0]
    assert "not a CloudEvent" in errors[1] or "unknown event type" in errors[1]
    assert all(
        header(
            r,
            "dlq_source",
        ).startswith(f"{TOPIC}/")
        for r in mine
    )


def compliance_events(broker: KafkaBroker, supplier_id: uuid.UUID, *, scores: int) -> list[tuple[str, dict]]:
    """The compliance events on scoring.events for one supplier, read until ``scores`` score changes."""

    def mine(records: list) -> list[tuple[str, dict]]:
        key = str(supplier_id).encode()
        return [(header(r, "ce_type") or "", json.loads(r.value)) for r in records if r.key == key]

    def enough(records: list) -> bool:
        return sum(t == SCORE_CHANGED for t, _ in mine(records)) >= scores

    return mine(read_topic(broker.bootstrap_servers, "scoring.events", until=enough))


def test_supplier_events_become_scorecards_and_compliance_events(
    broker: KafkaBroker, scoring_db: Engine, producer, supplier
):
    story = supplier("C3825")
    iso = story.credential("iso_14001", "submitted")
    verified = story.credential(
        "iso_14001", "verified", credential_id=iso.credential.credential_id, version=2
    )
    year = datetime.now(UTC).year
    for data in (story.registered(), story.performance(year), iso, verified):
        send(producer, message_of(data))

    events = compliance_events(broker, story.supplier_id, scores=3)

    types = [t for t, _ in events]
    assert types[:2] == [SCORE_CHANGED, "greenchain.compliance.unrated.v1"]  # first card: no data yet
    scores = [p["score"] for t, p in events if t == SCORE_CHANGED]
    assert scores[0] is None
    assert Decimal(scores[2]) - Decimal(scores[1]) == 3  # the verified ISO 14001 (M2), not the submitted one
    assert "greenchain.compliance.grade.changed.v1" in types  # the supplier took a place in the ranking
    with scoring_db.connect() as conn:
        revision = conn.execute(
            select(scorecards.c.revision).where(scorecards.c.supplier_id == story.supplier_id)
        ).scalar_one()
    assert revision == 4  # the submitted certificate is named in M2's explanation, so it is a revision
