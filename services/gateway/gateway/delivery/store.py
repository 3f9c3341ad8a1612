"""The delivery worker's database side: claim due deliveries with a lease, record each attempt.

No transaction stays open during an HTTP call: `claim` marks rows as leased and commits, the POSTs
happen, then `record` writes each result in a transaction of its own. A worker that dies leaves its
leases to expire, and the rows are claimed again (at-least-once). The claim skips a delivery while
an earlier event for the same supplier is still pending on the same subscription, which keeps one
supplier's events in order per endpoint; `dead` (given up) releases the next one as `delivered` does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, text, update

from gateway.adapters.orm import deliveries, delivery_attempts, subscriptions
from gateway.delivery.schedule import should_disable_for_failures
from gateway.service_layer.fanout import DELIVERY_CHANNEL, raise_gateway_event
from shared.contracts.gateway import EndpointDisabled

_CLAIM = text("""
WITH due AS (
    SELECT d.id FROM deliveries d
    JOIN subscriptions s ON s.id = d.subscription_id
    WHERE d.status = 'pending' AND d.next_attempt_at <= now()
      AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now())
      AND s.enabled
      AND NOT EXISTS (
          SELECT 1 FROM deliveries e
          WHERE e.subscription_id = d.subscription_id AND e.supplier_id = d.supplier_id
            AND e.status = 'pending' AND e.event_seq < d.event_seq)
    ORDER BY d.next_attempt_at
    LIMIT :limit
    FOR UPDATE OF d SKIP LOCKED
)
UPDATE deliveries d
SET lease_token = :token, lease_expires_at = now() + make_interval(secs => :lease_s)
FROM due, events e, subscriptions s
WHERE d.id = due.id AND e.id = d.event_id AND s.id = d.subscription_id
RETURNING d.id, d.attempts, d.event_id, d.subscription_id, d.lease_token,
          e.event_type, e.occurred_at, e.payload,
          s.url, s.organisation_id, s.secret_sealed, s.previous_secret_sealed, s.previous_secret_expires_at
""")


@dataclass(frozen=True)
class Claimed:
    """A leased delivery with what it takes to send it."""

    id: uuid.UUID
    attempts: int
    event_id: uuid.UUID
    subscription_id: uuid.UUID
    lease_token: uuid.UUID
    event_type: str
    occurred_at: datetime
    payload: dict[str, Any]
    url: str
    organisation_id: uuid.UUID
    secret_sealed: bytes
    previous_secret_sealed: bytes | None
    previous_secret_expires_at: datetime | None


@dataclass(frozen=True)
class Result:
    """One attempt's result and what follows from it."""

    attempted_at: datetime
    status_code: int | None
    latency_ms: int
    error: str | None
    excerpt: str | None
    status: str  # the delivery's new status: pending | delivered | dead
    next_attempt_at: datetime | None
    gone: bool  # 410: disable the endpoint


def claim(engine: Engine, *, limit: int, lease_s: float) -> list[Claimed]:
    """Lease up to `limit` due deliveries and commit, so no transaction waits on the network."""
    with engine.begin() as conn:
        rows = conn.execute(_CLAIM, {"limit": limit, "token": uuid.uuid4(), "lease_s": lease_s}).all()
    return [Claimed(**row._asdict()) for row in rows]


def record(engine: Engine, delivery: Claimed, result: Result, *, disable_after: timedelta) -> None:
    """Log the attempt and move the delivery on; track the endpoint's failures, maybe disabling it."""
    with engine.begin() as conn:
        conn.execute(
            delivery_attempts.insert().values(
                delivery_id=delivery.id,
                attempted_at=result.attempted_at,
                status_code=result.status_code,
                latency_ms=result.latency_ms,
                error=result.error,
                response_excerpt=result.excerpt,
            )
        )
        conn.execute(
            update(deliveries)
            .where(deliveries.c.id == delivery.id, deliveries.c.lease_token == delivery.lease_token)
            .values(
                status=result.status,
                attempts=deliveries.c.attempts + 1,
                next_attempt_at=result.next_attempt_at,
                lease_token=None,
                lease_expires_at=None,
                delivered_at=result.attempted_at if result.status == "delivered" else None,
            )
        )
        if result.status != "pending":  # the next event for this supplier may go now
            conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": DELIVERY_CHANNEL})
        _track_endpoint(conn, delivery, result, disable_after)


def _track_endpoint(conn: Connection, delivery: Claimed, result: Result, disable_after: timedelta) -> None:
    sub = subscriptions.c
    if result.status == "delivered":
        conn.execute(
            update(subscriptions)
            .where(sub.id == delivery.subscription_id, sub.first_failure_at.is_not(None))
            .values(first_failure_at=None)
        )
        return
    failing_since = conn.execute(
        update(subscriptions)
        .where(sub.id == delivery.subscription_id)
        .values(first_failure_at=func.coalesce(sub.first_failure_at, result.attempted_at))
        .returning(sub.first_failure_at)
    ).scalar_one_or_none()
    if result.gone:
        _disable(conn, delivery, result, "gone", failing_since)
    elif should_disable_for_failures(failing_since, result.attempted_at, disable_after):
        _disable(conn, delivery, result, "failing", failing_since)


def _disable(
    conn: Connection, delivery: Claimed, result: Result, reason: str, failing_since: datetime | None
) -> None:
    """Disable the endpoint once (concurrent failures race here) and tell the buyer in its feed."""
    sub = subscriptions.c
    disabled = conn.execute(
        update(subscriptions)
        .where(sub.id == delivery.subscription_id, sub.enabled)
        .values(
            enabled=False, disabled_reason=reason, version=sub.version + 1, updated_at=result.attempted_at
        )
        .returning(sub.id)
    ).first()
    if disabled is None:
        return
    event = EndpointDisabled(
        organisation_id=delivery.organisation_id,
        subscription_id=delivery.subscription_id,
        url=delivery.url,
        reason="gone" if reason == "gone" else "failing",
        failing_since=failing_since,
        last_status_code=result.status_code,
        last_error=result.error,
    )
    raise_gateway_event(conn, event, event_id=uuid.uuid4())
