"""The fan-out consumer on real Kafka and PostgreSQL: buyers get feed entries and deliveries only for
suppliers in their supply base, and a redelivered Kafka message has one effect."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select

from gateway.adapters.orm import deliveries, events
from gateway.adapters.tables.buyers import supply_base
from gateway.adapters.tables.delivery import event_recipients
from gateway.adapters.tables.tenants import organisations
from gateway.delivery.secretbox import SecretBox
from gateway.delivery.ssrf import UrlPolicy
from gateway.service_layer.fanout import CONSUMER_NAME, fan_out
from gateway.service_layer.subscriptions import create_subscription
from launcher.kafka import KafkaBroker, load_topics
from launcher.paths import free_port
from launcher.postgres import PostgresServer
from launcher.testing import migrated_database, wait_until
from shared.contracts import SCORING_EVENTS
from shared.contracts.scoring import ComplianceBandChanged
from shared.events import encode, kafka_headers
from shared.kafka import ConsumerLoop, DeadLetters, make_consumer, make_producer


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    server = PostgresServer(Path(tmp_path_factory.mktemp("pg")) / "postgres", port=free_port())
    server.start()
    engine = create_engine(migrated_database(server, "gateway"))
    yield engine
    engine.dispose()
    server.stop()


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    broker = KafkaBroker(tmp_path_factory.mktemp("kafka"), port=free_port(), controller_port=free_port())
    broker.start()
    broker.create_topics(load_topics())
    yield broker
    broker.stop()


@pytest.fixture(scope="module")
def consumer(broker: KafkaBroker, engine: Engine) -> Iterator[None]:
    """The gateway's fan-out consumer, as `gateway consume` runs it."""
    producer = make_producer(broker.bootstrap_servers)
    kafka = make_consumer(broker.bootstrap_servers, group_id=CONSUMER_NAME, topics=[SCORING_EVENTS])
    loop = ConsumerLoop(
        kafka, partial(fan_out, engine=engine), DeadLetters(producer, CONSUMER_NAME), name=CONSUMER_NAME
    )
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,))
    thread.start()
    yield
    stop.set()
    thread.join(30)
    producer.close()


def send(broker: KafkaBroker, supplier: uuid.UUID, event_id: uuid.UUID) -> None:
    data = ComplianceBandChanged(
        supplier_id=supplier, year=2026, model_version="t", band="Leading", score=Decimal("90")
    )
    message = encode(
        event_id=event_id,
        event_type=data.event_type,
        source="/scoring",
        time=datetime.now(UTC),
        key=data.partition_key,
        data=data.model_dump(mode="json"),
        correlation_id=None,
    )
    producer = make_producer(broker.bootstrap_servers)
    try:
        producer.send(
            SCORING_EVENTS, key=message.key.encode(), value=message.value, headers=kafka_headers(message)
        ).get(10)
    finally:
        producer.close()


def count(engine: Engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_events_reach_only_the_buyers_holding_the_supplier(broker, engine, consumer):
    held, not_held = uuid.uuid4(), uuid.uuid4()
    holder, other = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        for buyer in (holder, other):
            conn.execute(organisations.insert().values(id=buyer, name=str(buyer), kind="buyer"))
        conn.execute(supply_base.insert().values(buyer_id=holder, supplier_id=held))
    policy = UrlPolicy.build(allow_http=True, allowed_networks=["127.0.0.0/8"], allowed_ports=None)
    for buyer in (holder, other):
        create_subscription(
            organisation_id=buyer,
            url="http://127.0.0.1:9/hook",
            event_types=[ComplianceBandChanged.event_type],
            supplier_ids=None,
            description=None,
            policy=policy,
            box=SecretBox("k" * 32),
            engine=engine,
        )
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    send(broker, held, mine)
    send(broker, held, mine)  # a redelivery: the same event id
    send(broker, not_held, theirs)

    assert wait_until(lambda: count(engine, events, events.c.id == theirs) == 1, timeout_s=60)
    assert count(engine, events, events.c.id == mine) == 1
    assert count(engine, deliveries, deliveries.c.event_id == mine) == 1  # the holder's subscription only
    assert count(engine, deliveries, deliveries.c.event_id == theirs) == 0
    with engine.connect() as conn:
        audience = (
            conn.execute(
                select(event_recipients.c.organisation_id).where(event_recipients.c.event_id == mine)
            )
            .scalars()
            .all()
        )
    assert audience == [holder]
