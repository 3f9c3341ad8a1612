"""The buyer's event feed: events recorded in commit order, read by a durable cursor, purged by age.

The cursor is an event's `seq`. Writers serialise on an advisory lock held to commit, so sequence
numbers become visible in order and `seq > cursor` can never skip a row that commits late (the
sequence trap of polling publishers). Event volume is low next to deliveries, so this is cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, delete, func, literal, select, text, update

from gateway.adapters.orm import events
from gateway.adapters.tables.buyers import supply_base
from gateway.adapters.tables.delivery import event_recipients, feed_retention

FEED_CHANNEL = "feed"
_EVENTS_LOCK = 0x6576656E7473  # any constant shared by every writer of `events`
PURGE_BATCH = 5_000


class CursorExpired(Exception):
    """The cursor points before events the retention purge has removed: the client missed some."""

    def __init__(self, cursor: int, purged_through: int, retention_days: int) -> None:
        super().__init__(
            f"Cursor {cursor} is older than the feed's retention ({retention_days} days): events up to "
            f"{purged_through} were purged. Restart without a cursor and reconcile through the REST API."
        )


@dataclass(frozen=True)
class FeedEvent:
    sequence: int
    id: UUID
    type: str
    supplier_id: UUID | None
    occurred_at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class FeedPage:
    events: list[FeedEvent]
    next_cursor: int
    has_more: bool


def record_event(
    conn: Connection,
    *,
    event_id: UUID,
    event_type: str,
    occurred_at: datetime,
    payload: dict[str, Any],
    supplier_id: UUID | None = None,
    organisation_id: UUID | None = None,
) -> int:
    """Store an event inside the caller's transaction and return its seq.

    A supplier event's audience is every buyer with the supplier in its supply base now; a gateway
    event's is the one organisation it is for.
    """
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _EVENTS_LOCK})
    seq = conn.execute(
        events.insert()
        .values(
            id=event_id,
            event_type=event_type,
            supplier_id=supplier_id,
            organisation_id=organisation_id,
            occurred_at=occurred_at,
            payload=payload,
        )
        .returning(events.c.seq)
    ).scalar_one()
    audience = _audience(seq, event_id, supplier_id, organisation_id)
    conn.execute(
        event_recipients.insert().from_select(["organisation_id", "event_seq", "event_id"], audience)
    )
    conn.execute(text("SELECT pg_notify(:channel, :seq)"), {"channel": FEED_CHANNEL, "seq": str(seq)})
    return int(seq)


def _audience(seq: int, event_id: UUID, supplier_id: UUID | None, organisation_id: UUID | None) -> Any:
    if organisation_id is not None:
        return select(literal(organisation_id), literal(seq), literal(event_id))
    return select(supply_base.c.buyer_id, literal(seq), literal(event_id)).where(
        supply_base.c.supplier_id == supplier_id
    )


def read_feed(
    *,
    organisation_id: UUID,
    cursor: int | None,
    limit: int,
    event_types: Sequence[str] = (),
    retention_days: int,
    engine: Engine,
) -> FeedPage:
    """The organisation's events after `cursor` (from the oldest kept when None), in order."""
    with engine.connect() as conn:
        purged_through = conn.execute(select(feed_retention.c.purged_through_seq)).scalar_one()
        if cursor is not None and cursor < purged_through:
            raise CursorExpired(cursor, purged_through, retention_days)
        query = (
            select(events)
            .join(event_recipients, event_recipients.c.event_id == events.c.id)
            .where(
                event_recipients.c.organisation_id == organisation_id,
                event_recipients.c.event_seq > (cursor or 0),
            )
            .order_by(event_recipients.c.event_seq)
            .limit(limit + 1)
        )
        if event_types:
            query = query.where(events.c.event_type.in_(list(event_types)))
        rows = conn.execute(query).all()
    page = [
        FeedEvent(r.seq, r.id, r.event_type, r.supplier_id, r.occurred_at, r.payload) for r in rows[:limit]
    ]
    next_cursor = page[-1].sequence if page else (cursor or purged_through)
    return FeedPage(page, next_cursor, len(rows) > limit)


def purge_expired(*, retention_days: int, engine: Engine, now: datetime | None = None) -> int:
    """Delete events recorded before the retention window (with their deliveries); returns how many."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    purged = 0
    while True:
        with engine.begin() as conn:
            batch = select(events.c.id).where(events.c.recorded_at < cutoff).limit(PURGE_BATCH)
            top = (
                conn.execute(
                    delete(events).where(events.c.id.in_(batch.scalar_subquery())).returning(events.c.seq)
                )
                .scalars()
                .all()
            )
            if top:
                conn.execute(
                    update(feed_retention).values(
                        purged_through_seq=func.greatest(feed_retention.c.purged_through_seq, max(top))
                    )
                )
        purged += len(top)
        if len(top) < PURGE_BATCH:
            return purged
