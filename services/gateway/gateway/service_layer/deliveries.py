"""A buyer's view of one endpoint's deliveries: the log of attempts, redelivery and replay.

Redelivery and replay queue the event again under the same delivery (so the same `webhook-id`),
with a fresh retry schedule; the log keeps every earlier attempt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, func, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert

from gateway.adapters.orm import deliveries, delivery_attempts, events, subscriptions
from gateway.adapters.tables.delivery import event_recipients
from gateway.service_layer.fanout import DELIVERY_CHANNEL
from gateway.service_layer.subscriptions import SubscriptionNotFound


class DeliveryNotFound(Exception):
    def __init__(self, delivery_id: object) -> None:
        super().__init__(f"No delivery with id {delivery_id} for this subscription.")


@dataclass(frozen=True)
class Attempt:
    attempted_at: datetime
    status_code: int | None
    latency_ms: int
    error: str | None
    response_excerpt: str | None


@dataclass(frozen=True)
class Delivery:
    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    event_sequence: int
    supplier_id: uuid.UUID | None
    status: str
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    attempt_log: list[Attempt]


def list_deliveries(
    *,
    organisation_id: uuid.UUID,
    subscription_id: uuid.UUID,
    before: int | None,
    limit: int,
    status: str | None,
    engine: Engine,
) -> tuple[list[Delivery], bool]:
    """The endpoint's deliveries, newest event first, each with every attempt."""
    query = _deliveries_query().where(deliveries.c.subscription_id == subscription_id)
    if before is not None:
        query = query.where(deliveries.c.event_seq < before)
    if status is not None:
        query = query.where(deliveries.c.status == status)
    with engine.connect() as conn:
        _require_subscription(conn, organisation_id, subscription_id)
        rows = conn.execute(query.order_by(deliveries.c.event_seq.desc()).limit(limit + 1)).all()
        page = rows[:limit]
        log = _attempts(conn, [r.id for r in page])
    return [_delivery(r, log.get(r.id, [])) for r in page], len(rows) > limit


def redeliver(
    *, organisation_id: uuid.UUID, subscription_id: uuid.UUID, delivery_id: uuid.UUID, engine: Engine
) -> Delivery:
    """Queue one delivery again now, whatever its state."""
    with engine.begin() as conn:
        _require_subscription(conn, organisation_id, subscription_id)
        requeued = conn.execute(
            update(deliveries)
            .where(deliveries.c.id == delivery_id, deliveries.c.subscription_id == subscription_id)
            .values(status="pending", attempts=0, next_attempt_at=func.now(), delivered_at=None)
            .returning(deliveries.c.id)
        ).first()
        if requeued is None:
            raise DeliveryNotFound(delivery_id)
        conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": DELIVERY_CHANNEL})
        row = conn.execute(_deliveries_query().where(deliveries.c.id == delivery_id)).one()
        log = _attempts(conn, [delivery_id])
    return _delivery(row, log.get(delivery_id, []))


def replay(
    *,
    organisation_id: uuid.UUID,
    subscription_id: uuid.UUID,
    since: datetime,
    until: datetime,
    engine: Engine,
) -> int:
    """Queue again every event of the buyer's feed that occurred in [since, until) and matches the
    subscription's filters; returns how many deliveries were queued."""
    with engine.begin() as conn:
        sub = _require_subscription(conn, organisation_id, subscription_id)
        matching = (
            select(
                func.gen_random_uuid(),
                events.c.id,
                literal(subscription_id),
                literal("pending"),
                func.now(),
                events.c.supplier_id,
                events.c.seq,
            )
            .join(event_recipients, event_recipients.c.event_id == events.c.id)
            .where(
                event_recipients.c.organisation_id == organisation_id,
                events.c.occurred_at >= since,
                events.c.occurred_at < until,
                events.c.event_type.in_(list(sub.event_types)),
            )
        )
        if sub.supplier_ids is not None:
            matching = matching.where(
                or_(events.c.supplier_id.is_(None), events.c.supplier_id.in_(list(sub.supplier_ids)))
            )
        columns = [
            "id",
            "event_id",
            "subscription_id",
            "status",
            "next_attempt_at",
            "supplier_id",
            "event_seq",
        ]
        statement = insert(deliveries).from_select(columns, matching)
        statement = statement.on_conflict_do_update(
            index_elements=[deliveries.c.event_id, deliveries.c.subscription_id],
            set_={"status": "pending", "attempts": 0, "next_attempt_at": func.now(), "delivered_at": None},
        )
        queued = len(conn.execute(statement.returning(deliveries.c.id)).all())
        conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": DELIVERY_CHANNEL})
    return queued


def _require_subscription(conn: Connection, organisation_id: uuid.UUID, subscription_id: uuid.UUID) -> Any:
    row = conn.execute(
        select(subscriptions.c.event_types, subscriptions.c.supplier_ids).where(
            subscriptions.c.id == subscription_id, subscriptions.c.organisation_id == organisation_id
        )
    ).first()
    if row is None:
        raise SubscriptionNotFound(subscription_id)
    return row


def _deliveries_query() -> Any:
    return select(deliveries, events.c.event_type).join(events, events.c.id == deliveries.c.event_id)


def _attempts(conn: Connection, delivery_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Attempt]]:
    log: dict[uuid.UUID, list[Attempt]] = {}
    if not delivery_ids:
        return log
    rows = conn.execute(
        select(delivery_attempts)
        .where(delivery_attempts.c.delivery_id.in_(delivery_ids))
        .order_by(delivery_attempts.c.id)
    )
    for r in rows:
        log.setdefault(r.delivery_id, []).append(
            Attempt(r.attempted_at, r.status_code, r.latency_ms, r.error, r.response_excerpt)
        )
    return log


def _delivery(row: Row[Any], attempts: list[Attempt]) -> Delivery:
    return Delivery(
        row.id,
        row.event_id,
        row.event_type,
        row.event_seq,
        row.supplier_id,
        row.status,
        row.attempts,
        row.next_attempt_at,
        row.delivered_at,
        row.created_at,
        attempts,
    )
