"""The scoring consumer on real Kafka and PostgreSQL: idempotent, replayable, dead-letters bad input."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy import Engine, create_engine, func, select

from launcher.stack import Stack
from launcher.testing import header, read_topic, wait_until
from scoring.adapters.orm import outbox, processed_events, scorecards
from scoring.service_layer.handlers import handle_event
from shared.contracts.supplier import SupplierRegistered
from shared.events import encode, kafka_headers
from shared.kafka import ConsumerLoop, DeadLetters, make_consumer, make_producer

TOPIC = "supplier.events"


@pytest.fixture
def scoring_db(stack: Stack) -> Iterator[Engine]:
    engine = create_engine(stack.database_url("scoring"))
    yield engine
    engine.dispose()


@pytest.fixture
def producer(stack: Stack):
    producer = make_producer(stack.kafka.bootstrap_servers)
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
    return encode(
        event_id=event_id,
        event_type=data.event_type,
        source="/test",
        time=datetime.now(UTC),
        key=str(supplier_id),
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


def test_the_same_event_delivered_twice_has_one_effect(stack: Stack, scoring_db: Engine, producer):
    supplier_id, event_id = uuid.uuid4(), uuid.uuid4()
    message = registered_message(supplier_id, event_id)
    send(producer, message)
    send(producer, message)  # a redelivery: same event id
    sentinel = uuid.uuid4()
    send(producer, registered_message(sentinel, uuid.uuid4()))  # same key order: handled after both copies

    assert wait_until(lambda: has_scorecard(scoring_db, sentinel), timeout_s=30)
    assert count(scoring_db, processed_events, processed_events.c.event_id == event_id) == 1
    assert count(scoring_db, outbox, outbox.c.key == str(supplier_id)) == 1  # one score.changed, not two


def test_replaying_the_topic_from_offset_zero_changes_nothing(stack: Stack, scoring_db: Engine, producer):
    send(producer, registered_message(uuid.uuid4(), uuid.uuid4()))
    wait_until(lambda: count(scoring_db, outbox) > 0, timeout_s=30)
    before = (count(scoring_db, outbox), count(scoring_db, scorecards), count(scoring_db, processed_events))

    group = f"scoring-replay-{uuid.uuid4().hex[:6]}"  # a new group starts from offset 0
    consumer = make_consumer(stack.kafka.bootstrap_servers, group_id=group, topics=[TOPIC])
    dead_letters = DeadLetters(producer, group)
    loop = ConsumerLoop(consumer, partial(handle_event, engine=scoring_db), dead_letters, name=group)
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
    stack: Stack, scoring_db: Engine, producer
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
        stack.kafka.bootstrap_servers,
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
