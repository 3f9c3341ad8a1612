"""The walking skeleton through the public gateway: register, Kafka, scoring, Kafka, signed webhook."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from standardwebhooks import Webhook

from launcher.receiver import WebhookReceiver
from launcher.stack import Stack
from launcher.tenants import Tenants
from shared.identifiers import USCC_ALPHABET, uscc_check_character

SCORE_CHANGED = "greenchain.compliance.score.changed.v1"


def new_uscc() -> str:
    """A valid, unique USCC (9 = registered by the market regulator, 1 = enterprise)."""
    body = "91" + "".join(USCC_ALPHABET[b % 31] for b in uuid.uuid4().bytes[:15])
    return body + uscc_check_character(body)


@pytest.fixture(scope="module")
def buyer(stack: Stack, tenants: Tenants) -> httpx.Client:
    """A buyer's client: it subscribes, keeps a supply base and reads its suppliers."""
    with httpx.Client(base_url=stack.url("gateway"), timeout=10) as client:
        client.headers.update(tenants.buyer("walking skeleton buyer").headers)
        yield client


@pytest.fixture(scope="module")
def platform(stack: Stack, tenants: Tenants) -> httpx.Client:
    """The platform operator's client: it registers suppliers."""
    with httpx.Client(base_url=stack.url("gateway"), timeout=10) as client:
        client.headers.update(tenants.platform_admin().headers)
        yield client


def subscribe(buyer: httpx.Client, url: str) -> dict:
    response = buyer.post("/v1/subscriptions", json={"url": url, "event_types": [SCORE_CHANGED]})
    assert response.status_code == 201, response.text
    return response.json()


def register(platform: httpx.Client, buyer: httpx.Client, **overrides: str) -> dict:
    """The platform registers a supplier and the buyer adds it to its supply base."""
    body = {
        "legal_name": "Fujian Green Fasteners Co.",
        "country": "CN",
        "uscc": new_uscc(),
        "industry_code": "C3825",
    }
    body = {k: v for k, v in (body | overrides).items() if v is not None}
    response = platform.post("/v1/suppliers", json=body)
    assert response.status_code == 201, response.text
    supplier = response.json()
    added = buyer.post("/v1/supply-base", json={"supplier_id": supplier["id"]})
    assert added.status_code == 201, added.text
    return supplier


def for_supplier(supplier_id: str):
    return lambda r: json.loads(r.body)["data"]["supplier_id"] == supplier_id


def test_registering_a_supplier_delivers_a_signed_webhook(
    platform: httpx.Client, buyer: httpx.Client, webhook_receiver: WebhookReceiver
):
    subscription = subscribe(buyer, webhook_receiver.url("/hooks/signed"))
    supplier = register(platform, buyer)

    [delivery] = webhook_receiver.wait_for(for_supplier(supplier["id"]), timeout_s=30)

    Webhook(subscription["secret"]).verify(
        delivery.body, delivery.headers
    )  # raises if the signature is wrong
    body = json.loads(delivery.body)
    assert body["type"] == SCORE_CHANGED
    assert body["data"]["band"] == "Unrated"
    assert body["data"]["score"] is None  # the first scorecard is Unrated: no data filed yet
    assert body["data"]["previous_band"] is None
    assert delivery.headers["webhook-id"]  # the event id, stable across retries
    with pytest.raises(Exception, match="signature"):
        Webhook(subscription["secret"]).verify(
            delivery.body.replace(b"Unrated", b"Leading"), delivery.headers
        )


def test_a_failing_receiver_is_retried_with_the_same_webhook_id(
    platform: httpx.Client, buyer: httpx.Client, webhook_receiver: WebhookReceiver
):
    path = f"/hooks/flaky-{uuid.uuid4().hex}"
    webhook_receiver.fail_first[path] = 2
    subscribe(buyer, webhook_receiver.url(path))
    supplier = register(platform, buyer)

    def third_attempt(r) -> bool:
        return r.path == path and len([x for x in webhook_receiver.received if x.path == path]) >= 3

    assert webhook_receiver.wait_for(third_attempt, timeout_s=30)
    attempts = [r for r in webhook_receiver.received if r.path == path]
    assert {r.headers["webhook-id"] for r in attempts} == {attempts[0].headers["webhook-id"]}
    assert all(json.loads(r.body)["data"]["supplier_id"] == supplier["id"] for r in attempts)
    assert attempts[1].at - attempts[0].at >= 0.4  # backoff, not a busy loop


def test_scorecard_is_readable_through_the_gateway(
    platform: httpx.Client, buyer: httpx.Client, webhook_receiver: WebhookReceiver
):
    subscribe(buyer, webhook_receiver.url("/hooks/scorecard"))
    supplier = register(
        platform, buyer, country="DE", uscc=None, registry_id=f"DE:HRB {uuid.uuid4().hex[:8]}"
    )
    webhook_receiver.wait_for(for_supplier(supplier["id"]), timeout_s=30)

    response = buyer.get(f"/v1/suppliers/{supplier['id']}/scorecards")

    assert response.status_code == 200
    [card] = response.json()
    assert card["band"] == "Unrated"
    assert card["model_version"] == "2026.1"
