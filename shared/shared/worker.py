"""Entry points of the background processes every service runs: the outbox relay and consumers."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine, Table, func, select

from shared import observability
from shared.db import libpq_url, make_engine
from shared.kafka import ConsumerLoop, DeadLetters, Handler, make_consumer, make_producer
from shared.logging import configure_logging
from shared.outbox import OutboxRelay
from shared.process import stop_on_signals
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)


class _MeasuredRelay(OutboxRelay):
    def relay_once(self) -> int:
        published = super().relay_once()
        observability.OUTBOX_BACKLOG.set(_backlog(self.engine, self.outbox))
        return published


def _backlog(engine: Engine, outbox: Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(outbox.c.published_at.is_(None))).scalar_one())


def run_relay(settings: ServiceSettings, outbox: Table, service: str) -> None:
    """Run the outbox relay until SIGTERM; rows acknowledged by Kafka are marked, the rest wait."""
    configure_logging(f"{service}-relay", settings.log_level)
    stop = stop_on_signals()
    engine = make_engine(str(settings.database_url), pool_size=2)
    relay = _MeasuredRelay(engine, outbox, lambda: make_producer(settings.kafka_bootstrap_servers))
    log.info("outbox relay started")
    relay.run(
        stop,
        poll_interval_s=settings.relay_poll_interval_s,
        database_url=libpq_url(str(settings.database_url)),
    )
    engine.dispose()
    log.info("outbox relay stopped")


def run_consumer(
    settings: ServiceSettings,
    *,
    name: str,
    topics: list[str],
    handler: Handler,
    stop: threading.Event | None = None,
) -> None:
    """Consume `topics` as group `name` until SIGTERM; offsets are committed after each handled event."""
    configure_logging(name, settings.log_level)
    stop = stop or stop_on_signals()
    consumer = make_consumer(settings.kafka_bootstrap_servers, group_id=name, topics=topics)
    dead_letters = DeadLetters(make_producer(settings.kafka_bootstrap_servers), name)
    log.info("consumer started", extra={"topics": topics})
    ConsumerLoop(consumer, handler, dead_letters, name=name).run(stop)
    dead_letters.producer.close(timeout=5)
    log.info("consumer stopped")
