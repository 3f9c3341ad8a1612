"""The webhook delivery worker: at-least-once, signed, retried with backoff, every attempt recorded.

Due deliveries are claimed with FOR UPDATE SKIP LOCKED, so several workers never send the same one
at once; the `webhook-id` is the event id, the same across retries, so receivers can dedupe.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg
from sqlalchemy import Connection, Engine, select, update

from gateway.adapters.orm import deliveries, delivery_attempts, events, subscriptions
from gateway.delivery.schedule import Outcome, RetrySchedule, classify
from gateway.delivery.signing import sign
from gateway.service_layer.fanout import DELIVERY_CHANNEL

log = logging.getLogger(__name__)
EXCERPT_CHARS = 500


@dataclass(frozen=True)
class AttemptResult:
    outcome: Outcome
    status_code: int | None
    latency_ms: int
    error: str | None
    excerpt: str | None
    retry_after: str | None


def webhook_body(row: Any) -> bytes:
    """The Standard Webhooks payload shape: type, timestamp, data."""
    body = {"type": row.event_type, "timestamp": row.occurred_at.isoformat(), "data": row.payload}
    return json.dumps(body, separators=(",", ":")).encode()


class DeliveryWorker:
    def __init__(
        self, engine: Engine, client: httpx.Client, schedule: RetrySchedule, *, batch_size: int = 20
    ):
        self.engine = engine
        self.client = client
        self.schedule = schedule
        self.batch_size = batch_size

    def deliver_due(self) -> int:
        """Attempt every due delivery once; returns how many were attempted."""
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(
                    deliveries.c.id,
                    deliveries.c.attempts,
                    events.c.id.label("event_id"),
                    events.c.event_type,
                    events.c.occurred_at,
                    events.c.payload,
                    subscriptions.c.id.label("subscription_id"),
                    subscriptions.c.url,
                    subscriptions.c.secret,
                )
                .join(events, events.c.id == deliveries.c.event_id)
                .join(subscriptions, subscriptions.c.id == deliveries.c.subscription_id)
                .where(deliveries.c.status == "pending", deliveries.c.next_attempt_at <= datetime.now(UTC))
                .order_by(deliveries.c.next_attempt_at, deliveries.c.created_at)
                .limit(self.batch_size)
                .with_for_update(of=deliveries, skip_locked=True)
            ).all()
            for row in rows:
                self._record(conn, row, self._attempt(row))
        return len(rows)

    def _attempt(self, row: Any) -> AttemptResult:
        body = webhook_body(row)
        headers = sign(row.secret, str(row.event_id), datetime.now(UTC), body)
        headers["content-type"] = "application/json"
        started = time.perf_counter()
        try:
            response = self.client.post(row.url, content=body, headers=headers)
        except (httpx.HTTPError, ValueError) as error:  # ValueError: the SSRF guard refused the address
            latency = int((time.perf_counter() - started) * 1000)
            return AttemptResult(
                classify(error), None, latency, f"{type(error).__name__}: {error}"[:500], None, None
            )
        latency = int((time.perf_counter() - started) * 1000)
        return AttemptResult(
            classify(response),
            response.status_code,
            latency,
            None,
            response.text[:EXCERPT_CHARS],
            response.headers.get("retry-after"),
        )

    def _record(self, conn: Connection, row: Any, result: AttemptResult) -> None:
        now = datetime.now(UTC)
        conn.execute(
            delivery_attempts.insert().values(
                delivery_id=row.id,
                attempted_at=now,
                status_code=result.status_code,
                latency_ms=result.latency_ms,
                error=result.error,
                response_excerpt=result.excerpt,
            )
        )
        attempts = row.attempts + 1
        if result.outcome is Outcome.SUCCESS:
            status, next_at = "delivered", None
        else:
            next_at = self.schedule.next_attempt_at(attempts, now, result.retry_after)
            status = "pending" if next_at is not None and result.outcome is Outcome.RETRY else "failed"
        if result.outcome is Outcome.DISABLE:  # 410 Gone: the receiver asked us to stop
            conn.execute(
                update(subscriptions).where(subscriptions.c.id == row.subscription_id).values(enabled=False)
            )
        conn.execute(
            update(deliveries)
            .where(deliveries.c.id == row.id)
            .values(status=status, attempts=attempts, next_attempt_at=next_at)
        )

    def run(self, stop: threading.Event, *, database_url: str, idle_wait_s: float = 1.0) -> None:
        """Deliver until `stop` is set; woken by NOTIFY from the fan-out, polling for due retries."""
        with psycopg.connect(database_url, autocommit=True) as listener:
            listener.execute(f"LISTEN {DELIVERY_CHANNEL}")
            while not stop.is_set():
                try:
                    attempted = self.deliver_due()
                except Exception:
                    log.exception("delivery round failed; retrying")
                    stop.wait(1.0)
                    continue
                if attempted < self.batch_size and not stop.is_set():
                    for _ in listener.notifies(timeout=idle_wait_s, stop_after=1):
                        pass
