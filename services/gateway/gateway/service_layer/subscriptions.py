"""Webhook subscriptions of one buyer: filters, encrypted secrets, rotation, enable and disable.

Every use case takes the caller's organisation: another tenant's subscription is "not found",
never "forbidden", so ids cannot be probed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, select, update

from gateway.adapters.orm import deliveries, subscriptions
from gateway.adapters.tables.buyers import supply_base
from gateway.delivery.secretbox import SecretBox
from gateway.delivery.signing import generate_secret
from gateway.delivery.ssrf import UrlPolicy, check_subscription_url

UPDATABLE = frozenset({"url", "event_types", "supplier_ids", "description", "enabled"})


class SubscriptionNotFound(Exception):
    def __init__(self, subscription_id: object) -> None:
        super().__init__(f"No subscription with id {subscription_id}.")


class PreconditionFailed(Exception):
    """If-Match named a version that is no longer current."""

    def __init__(self, current: str) -> None:
        super().__init__(f"The subscription changed; its current ETag is {current}. Read it and retry.")


class NotInSupplyBase(ValueError):
    """Supplier filters may only name suppliers in the buyer's supply base."""

    def __init__(self, missing: list[int], supplier_ids: Sequence[uuid.UUID]) -> None:
        super().__init__("Some suppliers are not in your supply base.")
        self.extensions = {
            "errors": [
                {"pointer": f"#/supplier_ids/{i}", "detail": f"{supplier_ids[i]} is not in your supply base"}
                for i in missing
            ]
        }


@dataclass(frozen=True)
class Subscription:
    id: uuid.UUID
    url: str
    event_types: list[str]
    supplier_ids: list[uuid.UUID] | None
    description: str | None
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None
    previous_secret_expires_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    secret: str | None = None  # present only in the answers to creation and rotation

    @property
    def etag(self) -> str:
        return etag(self.version)


def etag(version: int) -> str:
    return f'"v{version}"'


def _from_row(row: Row[Any]) -> Subscription:
    return Subscription(
        row.id,
        row.url,
        list(row.event_types),
        None if row.supplier_ids is None else list(row.supplier_ids),
        row.description,
        row.enabled,
        row.disabled_reason,
        row.first_failure_at,
        row.previous_secret_expires_at,
        row.version,
        row.created_at,
        row.updated_at,
    )


def create_subscription(
    *,
    organisation_id: uuid.UUID,
    url: str,
    event_types: list[str],
    supplier_ids: list[uuid.UUID] | None,
    description: str | None,
    policy: UrlPolicy,
    box: SecretBox,
    engine: Engine,
) -> Subscription:
    """Store a subscription after the SSRF check; its signing secret is returned this once."""
    checked_url = check_subscription_url(url, policy)
    subscription_id, secret = uuid.uuid4(), generate_secret()
    with engine.begin() as conn:
        _check_supply_base(conn, organisation_id, supplier_ids)
        row = conn.execute(
            subscriptions.insert()
            .values(
                id=subscription_id,
                organisation_id=organisation_id,
                url=checked_url,
                event_types=sorted(set(event_types)),
                supplier_ids=_distinct(supplier_ids),
                description=description,
                secret_sealed=box.seal(subscription_id, secret),
            )
            .returning(subscriptions)
        ).one()
    return replace(_from_row(row), secret=secret)


def list_subscriptions(
    *, organisation_id: uuid.UUID, after: uuid.UUID | None, limit: int, engine: Engine
) -> tuple[list[Subscription], bool]:
    """A page of the organisation's subscriptions in id order, and whether more follow."""
    query = select(subscriptions).where(subscriptions.c.organisation_id == organisation_id)
    if after is not None:
        query = query.where(subscriptions.c.id > after)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(subscriptions.c.id).limit(limit + 1)).all()
    return [_from_row(r) for r in rows[:limit]], len(rows) > limit


def get_subscription(
    *, organisation_id: uuid.UUID, subscription_id: uuid.UUID, engine: Engine
) -> Subscription:
    with engine.connect() as conn:
        return _from_row(_owned(conn, organisation_id, subscription_id))


def update_subscription(
    *,
    organisation_id: uuid.UUID,
    subscription_id: uuid.UUID,
    changes: dict[str, Any],
    if_match: str | None,
    policy: UrlPolicy,
    engine: Engine,
) -> Subscription:
    """Apply a partial update (optimistic: If-Match must name the current ETag when given).

    Enabling clears the failure record and resumes its pending deliveries now; disabling by hand
    records the reason `manual`.
    """
    values = {k: v for k, v in changes.items() if k in UPDATABLE}
    if "url" in values:
        values["url"] = check_subscription_url(values["url"], policy)
    if "event_types" in values:
        values["event_types"] = sorted(set(values["event_types"]))
    if "supplier_ids" in values:
        values["supplier_ids"] = _distinct(values["supplier_ids"])
    with engine.begin() as conn:
        current = _owned(conn, organisation_id, subscription_id, for_update=True)
        _check_precondition(if_match, current.version)
        _check_supply_base(conn, organisation_id, values.get("supplier_ids"))
        if "enabled" in values and values["enabled"] != current.enabled:
            values |= _enabling(conn, subscription_id) if values["enabled"] else {"disabled_reason": "manual"}
        row = conn.execute(
            update(subscriptions)
            .where(subscriptions.c.id == subscription_id)
            .values(**values, version=current.version + 1, updated_at=datetime.now(UTC))
            .returning(subscriptions)
        ).one()
    return _from_row(row)


def _enabling(conn: Connection, subscription_id: uuid.UUID) -> dict[str, Any]:
    conn.execute(
        update(deliveries)
        .where(deliveries.c.subscription_id == subscription_id, deliveries.c.status == "pending")
        .values(next_attempt_at=datetime.now(UTC))
    )
    return {"disabled_reason": None, "first_failure_at": None}


def delete_subscription(
    *, organisation_id: uuid.UUID, subscription_id: uuid.UUID, if_match: str | None, engine: Engine
) -> None:
    """Delete the subscription with its deliveries and their log."""
    with engine.begin() as conn:
        current = _owned(conn, organisation_id, subscription_id, for_update=True)
        _check_precondition(if_match, current.version)
        conn.execute(delete(subscriptions).where(subscriptions.c.id == subscription_id))


def rotate_secret(
    *,
    organisation_id: uuid.UUID,
    subscription_id: uuid.UUID,
    overlap: timedelta,
    box: SecretBox,
    engine: Engine,
) -> Subscription:
    """Issue a new secret (returned this once); the current one keeps signing too for `overlap`."""
    secret = generate_secret()
    with engine.begin() as conn:
        current = _owned(conn, organisation_id, subscription_id, for_update=True)
        row = conn.execute(
            update(subscriptions)
            .where(subscriptions.c.id == subscription_id)
            .values(
                secret_sealed=box.seal(subscription_id, secret),
                previous_secret_sealed=current.secret_sealed if overlap > timedelta(0) else None,
                previous_secret_expires_at=datetime.now(UTC) + overlap if overlap > timedelta(0) else None,
                version=current.version + 1,
                updated_at=datetime.now(UTC),
            )
            .returning(subscriptions)
        ).one()
    return replace(_from_row(row), secret=secret)


def _owned(
    conn: Connection, organisation_id: uuid.UUID, subscription_id: uuid.UUID, *, for_update: bool = False
) -> Row[Any]:
    query = select(subscriptions).where(
        subscriptions.c.id == subscription_id, subscriptions.c.organisation_id == organisation_id
    )
    row = conn.execute(query.with_for_update() if for_update else query).first()
    if row is None:
        raise SubscriptionNotFound(subscription_id)
    return row


def _check_precondition(if_match: str | None, version: int) -> None:
    if if_match is None or if_match.strip() == "*":
        return
    if etag(version) not in (tag.strip() for tag in if_match.split(",")):
        raise PreconditionFailed(etag(version))


def _check_supply_base(
    conn: Connection, organisation_id: uuid.UUID, supplier_ids: Sequence[uuid.UUID] | None
) -> None:
    if not supplier_ids:
        return
    known = set(
        conn.execute(
            select(supply_base.c.supplier_id).where(
                supply_base.c.buyer_id == organisation_id, supply_base.c.supplier_id.in_(list(supplier_ids))
            )
        ).scalars()
    )
    missing = [i for i, s in enumerate(supplier_ids) if s not in known]
    if missing:
        raise NotInSupplyBase(missing, supplier_ids)


def _distinct(supplier_ids: Sequence[uuid.UUID] | None) -> list[uuid.UUID] | None:
    return None if supplier_ids is None else list(dict.fromkeys(supplier_ids))
