"""The raw Kafka baseline: kafka-python produce → consume on the same broker, at the same rate."""

from __future__ import annotations

import math
import threading
import time
import uuid
from dataclasses import dataclass

from kafka.admin import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError

from bench.e2e.stats import Summary, achieved_rate, open_loop, progress
from shared.kafka import make_consumer, make_producer

RAW_TOPIC = "bench.raw"


@dataclass
class RawResult:
    messages: int
    rate_achieved: float
    schedule_slip_max_ms: float
    missing: int
    latency: Summary  # producer.send() → the consumer's poll() returned the record


def _create_topic(bootstrap_servers: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers.split(","), request_timeout_ms=15_000)
    try:
        admin.create_topics(
            {RAW_TOPIC: {"num_partitions": 1, "replication_factor": 1}}, wait_for_metadata=True
        )
    except TopicAlreadyExistsError:
        pass
    finally:
        admin.close()


def run_raw_kafka(
    bootstrap_servers: str, count: int, rate: float, *, warmup: int, timeout_s: float
) -> RawResult:
    """Produce→consume on a dedicated 1-partition topic, with the services' producer and consumer settings.

    Each message is sent and flushed (as the outbox relay flushes each batch); the consumer polls in
    its own thread like the services' consumer loop, but neither decodes nor commits per record.
    """
    _create_topic(bootstrap_servers)
    consumer = make_consumer(
        bootstrap_servers, group_id=f"bench-raw-{uuid.uuid4().hex[:8]}", topics=[RAW_TOPIC]
    )
    deadline = time.monotonic() + 30
    while not consumer.assignment():
        consumer.poll(timeout_ms=100)
        if time.monotonic() > deadline:
            raise RuntimeError("the raw-Kafka consumer got no partition in 30 s")
    producer = make_producer(bootstrap_servers)
    sent_at: dict[int, float] = {}
    scheduled_at: dict[int, float] = {}
    received_at: dict[int, float] = {}
    stop = threading.Event()

    def consume() -> None:
        while not stop.is_set():
            batch = consumer.poll(timeout_ms=500)
            now = time.monotonic()
            for records in batch.values():
                for record in records:
                    received_at.setdefault(int(record.value), now)

    def send(i: int, scheduled: float) -> None:
        scheduled_at[i] = scheduled
        sent_at[i] = time.monotonic()
        producer.send(RAW_TOPIC, value=str(i).encode())
        producer.flush()

    def tick(produced: int) -> None:
        progress(f"  produced {produced}/{count}, consumed {sum(k >= 0 for k in list(received_at))}")

    thread = threading.Thread(target=consume, name="raw-consumer", daemon=True)
    thread.start()
    try:
        for i in range(warmup):  # not measured: negative sequence numbers
            send(-1 - i, time.monotonic())
        progress(f"raw Kafka: {count} messages at {rate:g}/s on {RAW_TOPIC}...")
        open_loop(count, rate, send, tick)
        deadline = time.monotonic() + timeout_s
        while sum(1 for i in range(count) if i in received_at) < count and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=5)
        producer.close(timeout=5)
        consumer.close(autocommit=False)

    measured = [i for i in range(count) if i in received_at]
    return RawResult(
        messages=count,
        rate_achieved=achieved_rate([sent_at[i] for i in range(count)]),
        schedule_slip_max_ms=max((sent_at[i] - scheduled_at[i]) * 1000 for i in range(count))
        if count
        else math.nan,
        missing=count - len(measured),
        latency=Summary.of_seconds(received_at[i] - sent_at[i] for i in measured),
    )
