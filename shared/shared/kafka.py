"""Kafka producer and consumer wrappers over kafka-python.

Consumers commit offsets by hand and only after the handler's database transaction committed
(DESIGN.md §2.2); a message that cannot be decoded, or keeps failing, goes to `<topic>.dlq` with
the error (§2.3). Infrastructure outages (database or broker down) are retried, never dead-lettered.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata
from sqlalchemy.exc import OperationalError

from shared import observability
from shared.events import Event, UndecodableEvent, decode
from shared.logging import correlation_id

log = logging.getLogger(__name__)
Handler = Callable[[Event], None]
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, KafkaError)


def make_producer(bootstrap_servers: str, **overrides: Any) -> KafkaProducer:
    """An idempotent producer that waits for all in-sync replicas (set explicitly, not by default)."""
    config: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers.split(","),
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 5,
        "max_block_ms": 5_000,  # a send to a broker that is down fails fast instead of hanging
        "request_timeout_ms": 5_000,
        "delivery_timeout_ms": 15_000,
    }
    return KafkaProducer(**(config | overrides))


def make_consumer(
    bootstrap_servers: str, *, group_id: str, topics: list[str], **overrides: Any
) -> KafkaConsumer:
    config: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers.split(","),
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "max_poll_records": 200,
        # A member killed without leaving holds its partitions until the session expires (default 45 s).
        "session_timeout_ms": 10_000,
        "heartbeat_interval_ms": 3_000,
        # A group joined before the topic's metadata arrived gets no partitions until the next refresh.
        "metadata_max_age_ms": 5_000,
    }
    consumer = KafkaConsumer(**(config | overrides))
    for topic in topics:
        if consumer.partitions_for_topic(topic) is None:  # also warms the metadata before joining
            raise KafkaError(f"topic {topic} does not exist; create it from infra/topics.toml")
    consumer.subscribe(topics)
    return consumer


class DeadLetters:
    """Publishes a failed record, unchanged, to `<topic>.dlq` with headers saying why."""

    def __init__(self, producer: KafkaProducer, consumer_name: str) -> None:
        self.producer = producer
        self.consumer_name = consumer_name

    def send(self, record: ConsumerRecord, error: str) -> None:
        headers = [
            *(record.headers or []),
            ("dlq_error", error[:2000].encode()),
            ("dlq_consumer", self.consumer_name.encode()),
            ("dlq_source", f"{record.topic}/{record.partition}/{record.offset}".encode()),
        ]
        future = self.producer.send(
            f"{record.topic}.dlq", key=record.key, value=record.value, headers=headers
        )
        future.get(timeout=20)  # the offset is committed only once the dead letter is safe
        observability.EVENTS_DEAD_LETTERED.labels(topic=record.topic, consumer=self.consumer_name).inc()
        log.error("dead-lettered a record", extra={"source": headers[-1][1].decode(), "error": error})


class ConsumerLoop:
    """Polls, hands each event to `handler`, dead-letters failures, commits after the handlers."""

    def __init__(
        self,
        consumer: KafkaConsumer,
        handler: Handler,
        dead_letters: DeadLetters,
        *,
        name: str,
        max_attempts: int = 3,
        retry_backoff_s: float = 0.5,
        commit_interval_s: float = 0.1,
    ) -> None:
        self.consumer = consumer
        self.handler = handler
        self.dead_letters = dead_letters
        self.name = name
        self.max_attempts = max_attempts
        self.retry_backoff_s = retry_backoff_s
        self.commit_interval_s = commit_interval_s

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.poll_once(stop)
        self.consumer.close(autocommit=False)

    def poll_once(self, stop: threading.Event) -> int:
        """Handle one poll's records; returns how many were handled or dead-lettered."""
        batch = self.consumer.poll(timeout_ms=500)
        done = 0
        for partition, records in batch.items():
            handled = self._handle_partition(partition, records, stop)
            done += handled
            if handled < len(records):
                self.consumer.seek(partition, records[handled].offset)  # retried on the next poll
        self._record_lag()
        return done

    def _handle_partition(
        self, partition: TopicPartition, records: list[ConsumerRecord], stop: threading.Event
    ) -> int:
        """Commits at most every `commit_interval_s` and when the batch ends or stops early.

        Each commit follows the database commits of the records it covers (§2.2); a crash between
        commits only redelivers already processed events, which the handler skips.
        """
        handled, uncommitted, committed_at = 0, False, time.monotonic()
        for record in records:
            if stop.is_set() or not self._handle_record(record, stop):
                break
            handled, uncommitted = handled + 1, True
            observability.EVENTS_CONSUMED.labels(topic=record.topic, consumer=self.name).inc()
            if time.monotonic() - committed_at >= self.commit_interval_s:
                self._commit(partition, record.offset + 1)
                uncommitted, committed_at = False, time.monotonic()
        if uncommitted:
            self._commit(partition, records[handled - 1].offset + 1)
        return handled

    def _commit(self, partition: TopicPartition, offset: int) -> None:
        self.consumer.commit({partition: OffsetAndMetadata(offset, "", -1)})

    def _handle_record(self, record: ConsumerRecord, stop: threading.Event) -> bool:
        """True once the record is handled or dead-lettered; False to retry it later (outage)."""
        try:
            event = decode(record.headers, record.key, record.value)
        except UndecodableEvent as error:
            return self._dead_letter(record, str(error))
        correlation_id.set(event.correlation_id)
        for attempt in range(1, self.max_attempts + 1):
            try:
                self.handler(event)
                return True
            except TRANSIENT_ERRORS as error:
                log.warning("transient failure; will retry", extra={"error": str(error)})
                stop.wait(self.retry_backoff_s)
                return False
            except Exception as error:
                log.exception("handler failed", extra={"attempt": attempt, "event_id": str(event.id)})
                if attempt == self.max_attempts:
                    return self._dead_letter(record, f"{type(error).__name__}: {error}")
                stop.wait(self.retry_backoff_s * attempt)
        return False

    def _dead_letter(self, record: ConsumerRecord, error: str) -> bool:
        try:
            self.dead_letters.send(record, error)
            return True
        except KafkaError:
            log.warning("could not dead-letter; will retry the record")
            return False

    def _record_lag(self) -> None:
        for partition in self.consumer.assignment():
            highwater = self.consumer.highwater(partition)
            position = self.consumer.position(partition, timeout_ms=1000)
            if highwater is not None and position is not None:
                observability.CONSUMER_LAG.labels(
                    consumer=self.name, topic=partition.topic, partition=str(partition.partition)
                ).set(max(highwater - position, 0))


class KafkaProbe:
    """Readiness check: an admin call answers. The client is built on first use and rebuilt after errors."""

    def __init__(self, bootstrap_servers: str) -> None:
        self.bootstrap_servers = bootstrap_servers
        self._admin: Any = None

    def __call__(self) -> None:
        from kafka import KafkaAdminClient

        try:
            if self._admin is None:
                self._admin = KafkaAdminClient(
                    bootstrap_servers=self.bootstrap_servers.split(","), request_timeout_ms=3000
                )
            self._admin.list_topics()
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
