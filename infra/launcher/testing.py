"""Support for tests that cross a service boundary: fresh migrated databases and reading topics."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition

from launcher.paths import REPO_ROOT
from launcher.postgres import PostgresServer


def migrated_database(postgres: PostgresServer, service: str) -> str:
    """A new database with `service`'s schema, migrated by its own Alembic history; returns its URL."""
    from shared.migrations import upgrade_to_head

    name = f"{service}_{uuid.uuid4().hex[:8]}"
    postgres.create_database(name)
    url = postgres.url(name)
    upgrade_to_head(Path(REPO_ROOT / "services" / service / "alembic.ini"), url)
    return url


def read_topic(
    bootstrap_servers: str, topic: str, *, until: Callable[[list], bool], timeout_s: float = 60
) -> list:
    """Every record of `topic` from the beginning, read until `until(records)` holds or time runs out."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False, group_id=None)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    records: list = []
    deadline = time.monotonic() + timeout_s
    try:
        while not until(records) and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
    finally:
        consumer.close()
    return records


def wait_until(condition: Callable[[], bool], *, timeout_s: float = 30, interval_s: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval_s)
    return condition()


def header(record: object, name: str) -> str | None:
    for key, value in getattr(record, "headers", None) or []:
        if key == name:
            return bytes(value).decode()
    return None
