"""Turns each compliance event into feed entries and pending deliveries, exactly once.

Buyers hear only about suppliers in their supply base: the feed's audience and the matching
subscriptions both come from `supply_base` at the moment the event is handled.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import Connection, Engine, func, literal, null, or_, select, text, true
from sqlalchemy.dialects.postgresql import insert

from gateway.adapters.orm import deliveries, processed_events, subscriptions
from gateway.adapters.tables.delivery import event_recipients
from gateway.service_layer.feed import record_event
from shared.contracts.gateway import GatewayEvent
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
        supplier_id = event.data.supplier_id
        seq = record_event(
            conn,
            event_id=event.id,
            event_type=event.type,
            supplier_id=supplier_id,
            occurred_at=event.time,
            payload=event.data.model_dump(mode="json"),
        )
        queue_deliveries(conn, event_id=event.id, seq=seq, event_type=event.type, supplier_id=supplier_id)


def raise_gateway_event(conn: Connection, event: GatewayEvent, *, event_id: UUID) -> int:
    """Record a gateway event in its buyer's feed and queue it to the buyer's subscriptions for it."""
    seq = record_event(
        conn,
        event_id=event_id,
        event_type=event.event_type,
        organisation_id=event.organisation_id,
        occurred_at=datetime.now(UTC),
        payload=event.model_dump(mode="json"),
    )
    queue_deliveries(conn, event_id=event_id, seq=seq, event_type=event.event_type, supplier_id=None)
    return seq


def queue_deliveries(
    conn: Connection, *, event_id: UUID, seq: int, event_type: str, supplier_id: UUID | None
) -> int:
    """One pending delivery per enabled subscription of the event's audience whose filters match."""
    # Supplier filters narrow supplier events; a gateway event concerns the endpoints themselves.
    supplier_filter = (
        true()
        if supplier_id is None
        else or_(subscriptions.c.supplier_ids.is_(None), subscriptions.c.supplier_ids.any_() == supplier_id)
    )
    matching = select(
        func.gen_random_uuid(),
        literal(event_id),
        subscriptions.c.id,
        literal("pending"),
        func.now(),
        literal(supplier_id) if supplier_id is not None else null(),
        literal(seq),
    ).where(
        subscriptions.c.enabled,
        subscriptions.c.event_types.any_() == event_type,
        supplier_filter,
        subscriptions.c.organisation_id.in_(
            select(event_recipients.c.organisation_id).where(event_recipients.c.event_seq == seq)
        ),
    )
    columns = ["id", "event_id", "subscription_id", "status", "next_attempt_at", "supplier_id", "event_seq"]
    statement = insert(deliveries).from_select(columns, matching).on_conflict_do_nothing()
    queued = len(conn.execute(statement.returning(deliveries.c.id)).all())
    if queued:
        conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": DELIVERY_CHANNEL})
    return queued
