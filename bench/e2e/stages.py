"""Where the time goes: each measured change's path split into stages by the services' own timestamps
(one machine, one wall clock)."""

from __future__ import annotations

from typing import Any

import psycopg

from bench.e2e.setup_phase import SCORE_CHANGED
from bench.e2e.stats import Summary
from launcher.stack import Stack

REPORTED = "greenchain.supplier.performance.reported.v1"
STAGES = (
    ("supplier: report tx → relay's Kafka ack", "reported", "supplier_published"),
    ("Kafka → scoring consumer starts handling", "supplier_published", "scored"),
    ("scoring: handler tx + relay → Kafka ack", "scored", "scoring_published"),
    ("Kafka → gateway consumer starts fan-out", "scoring_published", "fanned_out"),
    ("gateway: fan-out tx → delivery POST starts", "fanned_out", "post_started"),
    ("POST → receiver records it", "post_started", "arrived"),
    ("(report tx → API response)", "reported", "responded"),
    ("(report tx → webhook arrival)", "reported", "arrived"),
)
# The supplier's performance report, and the scoring event that gave the year its first score.
SUPPLIER_SQL = (
    "SELECT payload->>'supplier_id', event_id, created_at, published_at FROM outbox"
    f" WHERE event_type = '{REPORTED}'"
)
SCORING_SQL = (
    "SELECT DISTINCT ON (payload->>'supplier_id') payload->>'supplier_id', event_id, published_at FROM outbox"
    f" WHERE event_type = '{SCORE_CHANGED}' AND payload->>'score' IS NOT NULL"
    " ORDER BY payload->>'supplier_id', seq"
)
PROCESSED_SQL = "SELECT event_id, min(processed_at) FROM processed_events GROUP BY event_id"
ATTEMPT_SQL = (
    "SELECT DISTINCT ON (d.event_id) d.event_id, a.attempted_at, a.latency_ms FROM deliveries d"
    " JOIN delivery_attempts a ON a.delivery_id = d.id WHERE d.subscription_id = %s"
    " ORDER BY d.event_id, a.attempted_at"
)


def scoring_event_counts(stack: Stack) -> dict[str, int]:
    """How many events of each type scoring published in the whole run (setup included): each
    change also moves other suppliers' positions, and the gateway consumes every one of them."""
    sql = "SELECT event_type, count(*) FROM outbox GROUP BY event_type ORDER BY count(*) DESC"
    rows = _query(stack.postgres.url("scoring", driver="postgresql"), sql)
    return {str(kind).removeprefix("greenchain.compliance."): int(n) for kind, n in rows}


def _query(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def stage_breakdown(
    stack: Stack,
    changes: list[tuple[str, float, float]],
    subscription_id: str,
    wall_offset: float,
) -> list[tuple[str, Summary]]:
    """Per-stage latencies of `changes` (supplier id, responded, arrived; monotonic).

    reported: the supplier outbox row's created_at (the report transaction's start);
    supplier_published / scoring_published: outbox published_at (set after the broker acknowledged);
    scored / fanned_out: processed_events.processed_at (the consumer handler's transaction start);
    post_started: the first delivery attempt's attempted_at minus its latency_ms.
    """
    url = {s: stack.postgres.url(s, driver="postgresql") for s in ("supplier", "scoring", "gateway")}
    supplier_outbox = {row[0]: row[1:] for row in _query(url["supplier"], SUPPLIER_SQL)}
    scoring_processed = dict(_query(url["scoring"], PROCESSED_SQL))
    scoring_outbox = {row[0]: row[1:] for row in _query(url["scoring"], SCORING_SQL)}
    gateway_processed = dict(_query(url["gateway"], PROCESSED_SQL))
    attempts = {row[0]: row[1:] for row in _query(url["gateway"], ATTEMPT_SQL, (subscription_id,))}

    samples: dict[str, list[float]] = {label: [] for label, _, _ in STAGES}
    for sid, responded, arrived in changes:
        try:
            supplier_event, reported, supplier_published = supplier_outbox[sid]
            scoring_event, scoring_published = scoring_outbox[sid]
            attempted_at, attempt_ms = attempts[scoring_event]
            points = {
                "reported": reported.timestamp(),
                "supplier_published": supplier_published.timestamp(),
                "scored": scoring_processed[supplier_event].timestamp(),
                "scoring_published": scoring_published.timestamp(),
                "fanned_out": gateway_processed[scoring_event].timestamp(),
                "post_started": attempted_at.timestamp() - attempt_ms / 1000,
                "responded": responded + wall_offset,
                "arrived": arrived + wall_offset,
            }
        except (KeyError, AttributeError):  # AttributeError: a row not published (None) yet
            continue
        for label, start, end in STAGES:
            samples[label].append(points[end] - points[start])
    return [(label, Summary.of_seconds(values)) for label, values in samples.items()]
