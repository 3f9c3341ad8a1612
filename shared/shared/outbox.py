"""The transactional outbox: events are written with the state change, published by a relay.

Invariant (DESIGN.md §2.1): a change another service must see is committed together with its outbox
row; the relay publishes rows in `seq` order, waits for the broker's acknowledgement, and only then
marks them published. Rows are claimed with FOR UPDATE SKIP LOCKED, never by `id > last_seen`.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import psycopg
from kafka import KafkaProducer
from kafka.errors import KafkaError
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    Identity,
    Index,
    MetaData,
    String,
    Table,
    Uuid,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert

from shared import observability
from shared.events import EventContract, encode, kafka_headers
from shared.logging import correlation_id

NOTIFY_CHANNEL = "outbox"
_BULK_ROWS = 5000  # 7 bind parameters a row
log = logging.getLogger(__name__)


def outbox_table(metadata: MetaData) -> Table:
    """The same outbox table in every producing service's schema."""
    return Table(
        "outbox",
        metadata,
        Column("seq", BigInteger, Identity(), primary_key=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("source", String(200), nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("correlation_id", String(100)),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Index("outbox_pending", "seq", postgresql_where=text("published_at IS NULL")),
    )


def processed_events_table(metadata: MetaData) -> Table:
    """One row per (consumer, event id) handled: the idempotent consumer's memory."""
    return Table(
        "processed_events",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", Uuid, primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def add_to_outbox(conn: Connection, outbox: Table, event: EventContract, *, source: str) -> uuid.UUID:
    """Write `event` to the outbox inside the caller's transaction; the relay is woken on commit."""
    event_id = uuid.uuid4()
    conn.execute(
        outbox.insert().values(
            event_id=event_id,
            topic=event.topic,
            key=event.partition_key,
            event_type=event.event_type,
            source=source,
            payload=event.model_dump(mode="json"),
            correlation_id=correlation_id.get(),
        )
    )
    conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})
    return event_id


def add_many_to_outbox(
    conn: Connection, outbox: Table, events: Sequence[EventContract], *, source: str
) -> list[uuid.UUID]:
    """Write many events to the outbox inside the caller's transaction; one NOTIFY wakes the relay.

    One multi-row INSERT per `_BULK_ROWS` events (PostgreSQL allows 65,535 bind parameters per
    statement); rows keep the given order in `seq`.
    """
    event_ids = [uuid.uuid4() for _ in events]
    rows = [
        {
            "event_id": event_id,
            "topic": event.topic,
            "key": event.partition_key,
            "event_type": event.event_type,
            "source": source,
            "payload": event.model_dump(mode="json"),
            "correlation_id": correlation_id.get(),
        }
        for event_id, event in zip(event_ids, events, strict=True)
    ]
    if not rows:
        return []
    for start in range(0, len(rows), _BULK_ROWS):
        conn.execute(outbox.insert().values(rows[start : start + _BULK_ROWS]))
    conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})
    return event_ids


def mark_processed(conn: Connection, processed: Table, *, consumer: str, event_id: uuid.UUID) -> bool:
    """Record that `consumer` handled `event_id`; False when it already had (a redelivery)."""
    statement = (
        insert(processed)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing()
        .returning(processed.c.event_id)
    )
    return conn.execute(statement).first() is not None


class OutboxRelay:
    """Publishes outbox rows to Kafka. Run one relay per service so per-key order holds."""

    def __init__(
        self, engine: Engine, outbox: Table, producer_factory: Any, *, batch_size: int = 200
    ) -> None:
        self.engine = engine
        self.outbox = outbox
        self.producer_factory = producer_factory
        self.batch_size = batch_size
        self._producer: KafkaProducer | None = None

    def _producer_or_connect(self) -> KafkaProducer:
        if self._producer is None:
            self._producer = self.producer_factory()
        return self._producer

    def relay_once(self) -> int:
        """Publish one batch; returns how many rows were marked published."""
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(self.outbox)
                .where(self.outbox.c.published_at.is_(None))
                .order_by(self.outbox.c.seq)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return 0
            acked = self._publish(rows)
            if acked:
                conn.execute(
                    update(self.outbox)
                    .where(self.outbox.c.seq.in_(acked))
                    .values(published_at=datetime.now(UTC))
                )
        if len(acked) < len(rows):
            raise KafkaError(f"{len(rows) - len(acked)} of {len(rows)} outbox rows were not acknowledged")
        return len(acked)

    def _publish(self, rows: Sequence[Any]) -> list[int]:
        producer = self._producer_or_connect()
        futures = []
        for row in rows:
            message = encode(
                event_id=row.event_id,
                event_type=row.event_type,
                source=row.source,
                time=row.created_at,
                key=row.key,
                data=row.payload,
                correlation_id=row.correlation_id,
            )
            value = message.value
            futures.append(
                (
                    row,
                    producer.send(
                        row.topic, key=row.key.encode(), value=value, headers=kafka_headers(message)
                    ),
                )
            )
        producer.flush()
        acked = []
        for row, future in futures:
            # Within a partition the idempotent producer fails a suffix, never a hole, so marking
            # the acknowledged rows keeps per-key order; the rest are retried.
            if future.succeeded():
                acked.append(row.seq)
                observability.EVENTS_PUBLISHED.labels(topic=row.topic).inc()
            else:
                log.warning(
                    "publish failed", extra={"event_id": str(row.event_id), "error": str(future.exception)}
                )
        return acked

    def run(self, stop: threading.Event, *, poll_interval_s: float = 1.0, database_url: str) -> None:
        """Relay until `stop` is set: woken by NOTIFY, with a poll as a fallback, backing off on errors."""
        backoff = 0.5
        with psycopg.connect(database_url, autocommit=True) as listener:
            listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
            while not stop.is_set():
                try:
                    published = self.relay_once()
                    backoff = 0.5
                except KafkaError as error:
                    log.warning("Kafka unavailable; outbox rows stay pending", extra={"error": str(error)})
                    self._discard_producer()
                    stop.wait(backoff)
                    backoff = min(backoff * 2, 5.0)
                    continue
                if published < self.batch_size:
                    _wait_for_notify(listener, poll_interval_s, stop)
        self._discard_producer()

    def _discard_producer(self) -> None:
        # A producer that failed may still hold expired batches; start clean so nothing is sent twice.
        if self._producer is not None:
            self._producer.close(timeout=0)
            self._producer = None


def _wait_for_notify(listener: psycopg.Connection[Any], timeout_s: float, stop: threading.Event) -> None:
    if stop.is_set():
        return
    for _ in listener.notifies(timeout=timeout_s, stop_after=1):
        pass
