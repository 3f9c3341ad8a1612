"""The webhook delivery worker: at-least-once, signed, retried with backoff, every attempt recorded.

A main loop leases due deliveries (gateway.delivery.store) as threads free up, and a thread pool
POSTs them: no database transaction is open during an HTTP call. The `webhook-id` is the event id,
the same across retries and redeliveries, so receivers can dedupe.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
from cryptography.exceptions import InvalidTag
from sqlalchemy import Engine

from gateway.delivery import store
from gateway.delivery.schedule import Outcome, RetrySchedule, classify
from gateway.delivery.secretbox import SecretBox
from gateway.delivery.signing import sign
from gateway.service_layer.fanout import DELIVERY_CHANNEL
from gateway.service_layer.feed import purge_expired

log = logging.getLogger(__name__)
EXCERPT_CHARS = 500
BUSY_POLL_S = 0.2  # while POSTs are in flight, look for new work this often


@dataclass(frozen=True)
class WorkerOptions:
    concurrency: int = 32
    lease_s: float = 120
    disable_after: timedelta = timedelta(days=5)
    retention_days: int = 30
    purge_interval_s: float = 3600


def webhook_body(delivery: store.Claimed) -> bytes:
    """The Standard Webhooks payload shape: type, timestamp, data."""
    body = {
        "type": delivery.event_type,
        "timestamp": delivery.occurred_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(body, separators=(",", ":")).encode()


def _excerpt(response: httpx.Response) -> str:
    """The start of the answer, for the delivery log; the rest is never read (it may be huge)."""
    head = b""
    for chunk in response.iter_bytes():
        head += chunk
        if len(head) >= EXCERPT_CHARS * 4:  # enough bytes for EXCERPT_CHARS characters of UTF-8
            break
    return head.decode(response.encoding or "utf-8", errors="replace")[:EXCERPT_CHARS]


class DeliveryWorker:
    def __init__(
        self,
        engine: Engine,
        client: httpx.Client,
        schedule: RetrySchedule,
        box: SecretBox,
        options: WorkerOptions = WorkerOptions(),
    ) -> None:
        self.engine = engine
        self.client = client
        self.schedule = schedule
        self.box = box
        self.options = options
        self._pool = ThreadPoolExecutor(options.concurrency, thread_name_prefix="deliver")
        self._in_flight = 0
        self._changed = threading.Condition()

    def deliver_due(self) -> int:
        """Lease as many due deliveries as there are free threads and start them; returns how many."""
        with self._changed:
            free = self.options.concurrency - self._in_flight
        if free <= 0:
            return 0
        claimed = store.claim(self.engine, limit=free, lease_s=self.options.lease_s)
        with self._changed:
            self._in_flight += len(claimed)
        for delivery in claimed:
            self._pool.submit(self._deliver, delivery)
        return len(claimed)

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until nothing is in flight (tests and the benchmark); True if idle."""
        with self._changed:
            return self._changed.wait_for(lambda: self._in_flight == 0, timeout_s)

    def _deliver(self, delivery: store.Claimed) -> None:
        try:
            result = self._attempt(delivery)
            store.record(self.engine, delivery, result, disable_after=self.options.disable_after)
        except Exception:  # the lease expires and the delivery is tried again
            log.exception("delivery failed unexpectedly", extra={"delivery_id": str(delivery.id)})
        finally:
            with self._changed:
                self._in_flight -= 1
                self._changed.notify_all()

    def _attempt(self, delivery: store.Claimed) -> store.Result:
        body = webhook_body(delivery)
        started = time.perf_counter()
        response: httpx.Response | Exception
        excerpt = None
        try:
            headers = sign(self._secrets(delivery), str(delivery.event_id), datetime.now(UTC), body)
            headers["content-type"] = "application/json"
            with self.client.stream("POST", delivery.url, content=body, headers=headers) as response:
                excerpt = _excerpt(response)
        except (httpx.HTTPError, ValueError) as error:  # ValueError: the SSRF guard, or a bad secret
            response = error
        latency_ms = int((time.perf_counter() - started) * 1000)
        return self._result(delivery, response, excerpt, latency_ms)

    def _secrets(self, delivery: store.Claimed) -> list[str]:
        """The current secret, plus the previous one while a rotation's overlap lasts."""
        sealed = [delivery.secret_sealed]
        expires = delivery.previous_secret_expires_at
        if delivery.previous_secret_sealed and expires and expires > datetime.now(UTC):
            sealed.append(delivery.previous_secret_sealed)
        try:
            return [self.box.open(delivery.subscription_id, s) for s in sealed]
        except InvalidTag as error:  # recorded as a failed attempt, visible in the delivery log
            raise ValueError(
                "cannot decrypt the endpoint's secret: was WEBHOOK_SECRET_KEY changed?"
            ) from error

    def _result(
        self,
        delivery: store.Claimed,
        response: httpx.Response | Exception,
        excerpt: str | None,
        latency_ms: int,
    ) -> store.Result:
        now = datetime.now(UTC)
        outcome = classify(response)
        if isinstance(response, Exception):
            code, error, retry_after = None, f"{type(response).__name__}: {response}"[:500], None
        else:
            code, error, retry_after = response.status_code, None, response.headers.get("retry-after")
        if outcome is Outcome.SUCCESS:
            status, next_at = "delivered", None
        else:
            next_at = self.schedule.next_attempt_at(delivery.attempts + 1, now, retry_after)
            status = "pending" if next_at is not None else "dead"
        return store.Result(
            now, code, latency_ms, error, excerpt, status, next_at, gone=outcome is Outcome.DISABLE
        )

    def run(self, stop: threading.Event, *, database_url: str, idle_wait_s: float = 1.0) -> None:
        """Deliver until `stop` is set: woken by NOTIFY, polling for due retries; purges old events."""
        next_purge = 0.0
        with psycopg.connect(database_url, autocommit=True) as listener:
            listener.execute(f"LISTEN {DELIVERY_CHANNEL}")
            while not stop.is_set():
                if time.monotonic() >= next_purge:
                    self._purge()
                    next_purge = time.monotonic() + self.options.purge_interval_s
                try:
                    started = self.deliver_due()
                except Exception:
                    log.exception("delivery round failed; retrying")
                    stop.wait(1.0)
                    continue
                if started == 0:
                    self._wait_for_work(listener, idle_wait_s)
        self._pool.shutdown(wait=True)

    def _wait_for_work(self, listener: psycopg.Connection[Any], idle_wait_s: float) -> None:
        with self._changed:
            busy = self._in_flight > 0
            if self._in_flight >= self.options.concurrency:
                # Every thread busy: wait until a quarter are free, so one claim query serves several.
                batch = max(1, self.options.concurrency // 4)
                self._changed.wait_for(
                    lambda: self.options.concurrency - self._in_flight >= batch, BUSY_POLL_S
                )
                return
        for _ in listener.notifies(timeout=BUSY_POLL_S if busy else idle_wait_s, stop_after=1):
            pass
        for _ in listener.notifies(timeout=0, stop_after=10_000):  # drain: one claim serves them all
            pass

    def _purge(self) -> None:
        try:
            purged = purge_expired(retention_days=self.options.retention_days, engine=self.engine)
        except Exception:
            log.exception("event purge failed; will try again")
            return
        if purged:
            log.info("purged events past retention", extra={"events": purged})
