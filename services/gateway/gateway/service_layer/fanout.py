"""Turns each compliance event into one pending delivery per matching subscription, exactly once."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import Engine, select, text
from sqlalchemy.dialects.postgresql import insert

from gateway.adapters.orm import deliveries, events, processed_events, subscriptions
from shared.events import Event
from shared.outbox import mark_processed

CONSUMER_NAME = "gateway"
DELIVERY_CHANNEL = "deliveries"
log = logging.getLogger(__name__)


def fan_out(event: Event, *, engine: Engine) -> None:
    """Store the event for the feed and queue its webhooks, in one transaction with the dedupe mark."""
    with engine.begin() as conn:
        if not mark_processed(conn, processed_events, consumer=CONSUMER_NAME, event_id=event.id):
            log.info("duplicate event skipped", extra={"event_id": str(event.id)})
            return
        conn.execute(
            insert(events)
            .values(
                id=event.id,
                event_type=event.type,
                supplier_id=event.data.supplier_id,
                occurred_at=event.time,
                payload=event.data.model_dump(mode="json"),
            )
            .on_conflict_do_nothing()
        )
        matching = (
            conn.execute(
                select(subscriptions.c.id).where(
                    subscriptions.c.enabled, subscriptions.c.event_types.any_() == event.type
                )
            )
            .scalars()
            .all()
        )
        now = datetime.now(UTC)
        for subscription_id in matching:
            conn.execute(
                deliveries.insert().values(
                    id=uuid.uuid4(),
                    event_id=event.id,
                    subscription_id=subscription_id,
                    status="pending",
                    next_attempt_at=now,
                )
            )
        if matching:
            conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": DELIVERY_CHANNEL})
