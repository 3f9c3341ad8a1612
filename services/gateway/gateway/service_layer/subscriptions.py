"""Webhook subscriptions (minimal until the gateway issue adds tenants, filters and rotation)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from gateway.adapters.orm import subscriptions
from gateway.delivery.signing import generate_secret
from gateway.delivery.ssrf import UrlPolicy, check_subscription_url


class SubscriptionNotFound(Exception):
    def __init__(self, subscription_id: object) -> None:
        super().__init__(f"No subscription with id {subscription_id}.")


@dataclass(frozen=True)
class Subscription:
    id: uuid.UUID
    url: str
    event_types: list[str]
    enabled: bool
    created_at: datetime
    secret: str | None = None  # present only in the answer to its creation


def create_subscription(
    *, url: str, event_types: list[str], policy: UrlPolicy, engine: Engine
) -> Subscription:
    """Store a subscription after the SSRF check; its signing secret is returned this once."""
    checked_url = check_subscription_url(url, policy)
    secret = generate_secret()
    with engine.begin() as conn:
        row = conn.execute(
            subscriptions.insert()
            .values(id=uuid.uuid4(), url=checked_url, event_types=sorted(set(event_types)), secret=secret)
            .returning(subscriptions)
        ).one()
    return Subscription(row.id, row.url, row.event_types, row.enabled, row.created_at, secret=secret)


def get_subscription(*, subscription_id: uuid.UUID, engine: Engine) -> Subscription:
    with engine.connect() as conn:
        row = conn.execute(select(subscriptions).where(subscriptions.c.id == subscription_id)).first()
    if row is None:
        raise SubscriptionNotFound(subscription_id)
    return Subscription(row.id, row.url, row.event_types, row.enabled, row.created_at)
