"""The walking skeleton through the public gateway: register, Kafka, scoring, Kafka, signed webhook.

Buyers hear only about suppliers in their supply base, and a supplier can join it only once it is
registered, so the registration's own first scorecard may be fanned out before the buyer holds it.
The webhook tests therefore wait for a later change: the year's data filed, which moves the band from
Unrated (a `band.changed` no registration ever produces).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from standardwebhooks import Webhook

from launcher.receiver import WebhookReceiver
from launcher.stack import Stack
from launcher.tenants import Tenants
from launcher.testing import wait_until
from shared.identifiers import USCC_ALPHABET, uscc_check_character

SCORE_CHANGED = "greenchain.compliance.score.changed.v1"
BAND_CHANGED = "greenchain.compliance.band.changed.v1"
# Enough of a year to be rated: the band leaves Unrated.
FIGURES = {
    "energy_kgce": "1500000",
    "value_added_cny": "100000000",
    "renewable_electricity_share_pct": "30",
    "scope1_tco2e": "2500",
    "scope2_market_tco2e": "1500",
    "solid_waste_generated_t": "1000",
    "solid_waste_utilised_t": "900",
}


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


def subscribe(buyer: httpx.Client, url: str, event_type: str = SCORE_CHANGED) -> dict:
    response = buyer.post("/v1/subscriptions", json={"url": url, "event_types": [event_type]})
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


def file_this_years_data(platform: httpx.Client, supplier_id: str) -> None:
    year = datetime.now(UTC).year  # the year a registration scores (Unrated until data are filed)
    body = {name: {"value": value, "tier": "primary"} for name, value in FIGURES.items()}
    response = platform.put(f"/v1/suppliers/{supplier_id}/performance/{year}", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["abnormal"] is False


def for_supplier(supplier_id: str):
    return lambda r: json.loads(r.body)["data"]["supplier_id"] == supplier_id


def test_a_compliance_change_delivers_a_signed_webhook(
    platform: httpx.Client, buyer: httpx.Client, webhook_receiver: WebhookReceiver
):
    subscription = subscribe(buyer, webhook_receiver.url("/hooks/signed"), BAND_CHANGED)
    supplier = register(platform, buyer)
    file_this_years_data(platform, supplier["id"])

    [delivery] = webhook_receiver.wait_for(for_supplier(supplier["id"]), timeout_s=30)

    Webhook(subscription["secret"]).verify(
        delivery.body, delivery.headers
    )  # raises if the signature is wrong
    body = json.loads(delivery.body)
    assert body["type"] == BAND_CHANGED
    assert body["data"]["previous_band"] == "Unrated"
    assert body["data"]["band"] not in ("Unrated", None)
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
    subscribe(buyer, webhook_receiver.url(path), BAND_CHANGED)
    supplier = register(platform, buyer)
    file_this_years_data(platform, supplier["id"])

    def third_attempt(r) -> bool:
        return r.path == path and len([x for x in webhook_receiver.received if x.path == path]) >= 3

    assert webhook_receiver.wait_for(third_attempt, timeout_s=30)
    attempts = [r for r in webhook_receiver.received if r.path == path]
    assert {r.headers["webhook-id"] for r in attempts} == {attempts[0].headers["webhook-id"]}
    assert all(json.loads(r.body)["data"]["supplier_id"] == supplier["id"] for r in attempts)
    assert attempts[1].at - attempts[0].at >= 0.4  # backoff, not a busy loop


def test_scorecard_is_readable_through_the_gateway(platform: httpx.Client, buyer: httpx.Client):
    supplier = register(
        platform, buyer, country="DE", uscc=None, registry_id=f"DE:HRB {uuid.uuid4().hex[:8]}"
    )
    path = f"/v1/suppliers/{supplier['id']}/scorecards"
    assert wait_until(lambda: buyer.get(path).status_code == 200, timeout_s=30)  # 404 until scored

    response = buyer.get(path)

    assert response.status_code == 200
    [card] = response.json()
    assert card["band"] == "Unrated"
    assert card["model_version"] == "2026.1"
