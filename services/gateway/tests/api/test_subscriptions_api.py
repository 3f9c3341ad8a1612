"""Subscriptions, deliveries and the event feed over HTTP, with real tokens, on real PostgreSQL.

Events are stored through the fan-out (as the consumer does); the worker is not running here, so
deliveries stay pending and the log/redeliver/replay routes are checked on their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from gateway.adapters.orm import events
from gateway.adapters.tables.buyers import supply_base
from gateway.service_layer.fanout import fan_out
from gateway.service_layer.feed import purge_expired
from launcher.tenants import Tenant, Tenants
from shared.contracts.scoring import ComplianceScoreChanged
from shared.events import Event

SCORE = ComplianceScoreChanged.event_type
HOOK = "http://127.0.0.1:8443/hooks"


@pytest.fixture(scope="module")
def web(make_app: Callable[..., TestClient], api: TestClient) -> TestClient:
    """An app that accepts http://127.0.0.1 webhook URLs and trusts the tokens of `api`."""
    return make_app(
        token_signing_key=api.app.state.gateway_settings.token_signing_key,  # type: ignore[attr-defined]
        webhook_allow_http=True,
        webhook_allowed_networks=["127.0.0.0/8"],
    )


def buyer_with(tenants: Tenants, engine: Engine, *suppliers: uuid.UUID) -> Tenant:
    buyer = tenants.buyer()
    with engine.begin() as conn:
        for supplier in suppliers:
            conn.execute(
                supply_base.insert().values(buyer_id=uuid.UUID(buyer.organisation_id), supplier_id=supplier)
            )
    return buyer


def publish(engine: Engine, supplier: uuid.UUID, when: datetime | None = None) -> Event:
    data = ComplianceScoreChanged(
        supplier_id=supplier,
        year=2026,
        model_version="t",
        score=Decimal("70.00"),
        band="Qualified",
        reason="r",
    )
    event = Event(uuid.uuid4(), SCORE, "/test", when or datetime.now(UTC), None, data)
    fan_out(event, engine=engine)
    return event


def create(web: TestClient, tenant: Tenant, **body: object) -> dict:
    response = web.post(
        "/v1/subscriptions", json={"url": HOOK, "event_types": [SCORE]} | body, headers=tenant.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_create_returns_the_secret_once(web, api_tenants):
    buyer = api_tenants.buyer()
    created = create(web, buyer, description="ERP")

    assert created["secret"].startswith("whsec_")
    assert (
        web.get(created and f"/v1/subscriptions/{created['id']}", headers=buyer.headers).json()["secret"]
        is None
    )
    listed = web.get("/v1/subscriptions", headers=buyer.headers).json()
    assert [s["id"] for s in listed["data"]] == [created["id"]]
    assert listed["data"][0]["secret"] is None


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://10.0.0.1/h", "private"),
        ("https://169.254.169.254/h", "link-local"),
        ("ftp://x.example/h", "scheme"),
    ],
)
def test_unsafe_urls_are_refused(api, api_tenants, url, words):
    response = api.post(
        "/v1/subscriptions", json={"url": url, "event_types": [SCORE]}, headers=api_tenants.buyer().headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert words in response.json()["detail"]


def test_http_is_refused_unless_configured(api, api_tenants):
    response = api.post(
        "/v1/subscriptions",
        json={"url": "http://hooks.example.com/h", "event_types": [SCORE]},
        headers=api_tenants.buyer().headers,
    )
    assert response.status_code == 422
    assert "https" in response.json()["detail"]


def test_bad_input_names_the_field(web, api_tenants):
    buyer = api_tenants.buyer()
    response = web.post(
        "/v1/subscriptions", json={"url": HOOK, "event_types": ["nope"]}, headers=buyer.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/event_types"
    stranger = uuid.uuid4()
    response = web.post(
        "/v1/subscriptions",
        json={"url": HOOK, "event_types": [SCORE], "supplier_ids": [str(stranger)]},
        headers=buyer.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "#/supplier_ids/0", "detail": f"{stranger} is not in your supply base"}
    ]
    assert web.get("/v1/subscriptions", headers=buyer.headers).json()["data"] == []


def test_update_needs_the_current_etag(web, api_tenants):
    buyer = api_tenants.buyer()
    created = create(web, buyer)
    path = f"/v1/subscriptions/{created['id']}"
    etag = web.get(path, headers=buyer.headers).headers["etag"]

    changed = web.patch(path, json={"description": "new"}, headers=buyer.headers | {"If-Match": etag})
    stale = web.patch(path, json={"description": "lost"}, headers=buyer.headers | {"If-Match": etag})

    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert stale.status_code == 412
    assert web.get(path, headers=buyer.headers).json()["description"] == "new"
    assert web.patch(path, json={"url": None}, headers=buyer.headers).status_code == 422


def test_disable_and_enable(web, api_tenants):
    buyer = api_tenants.buyer()
    path = f"/v1/subscriptions/{create(web, buyer)['id']}"

    disabled = web.patch(path, json={"enabled": False}, headers=buyer.headers).json()
    enabled = web.patch(path, json={"enabled": True}, headers=buyer.headers).json()

    assert (disabled["enabled"], disabled["disabled_reason"]) == (False, "manual")
    assert (enabled["enabled"], enabled["disabled_reason"], enabled["failing_since"]) == (True, None, None)


def test_rotate_returns_a_new_secret_and_an_overlap(web, api_tenants):
    buyer = api_tenants.buyer()
    created = create(web, buyer)

    rotated = web.post(
        f"/v1/subscriptions/{created['id']}/secret/rotate", json={"overlap_s": 3600}, headers=buyer.headers
    )

    assert rotated.status_code == 200
    body = rotated.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret"] != created["secret"]
    expires = datetime.fromisoformat(body["previous_secret_expires_at"])
    assert timedelta(minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=1)


def test_a_foreign_subscription_is_not_found(web, api_tenants):
    owner, stranger = api_tenants.buyer(), api_tenants.buyer()
    sub_id = create(web, owner)["id"]
    calls = [
        ("GET", f"/v1/subscriptions/{sub_id}", None),
        ("PATCH", f"/v1/subscriptions/{sub_id}", {"description": "x"}),
        ("DELETE", f"/v1/subscriptions/{sub_id}", None),
        ("POST", f"/v1/subscriptions/{sub_id}/secret/rotate", None),
        ("GET", f"/v1/subscriptions/{sub_id}/deliveries", None),
        ("POST", f"/v1/subscriptions/{sub_id}/deliveries/{uuid.uuid4()}/redeliver", None),
        (
            "POST",
            f"/v1/subscriptions/{sub_id}/replay",
            {"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"},
        ),
    ]
    for method, path, body in calls:
        response = web.request(method, path, json=body, headers=stranger.headers)
        assert response.status_code == 404, (method, path, response.text)
    assert web.get(f"/v1/subscriptions/{sub_id}", headers=owner.headers).status_code == 200


def test_the_scope_is_required(web, api_tenants):
    reader = api_tenants.buyer(scopes=["compliance:read"])
    assert web.get("/v1/subscriptions", headers=reader.headers).status_code == 403
    assert web.get("/v1/events", headers=reader.headers).status_code == 403
    assert web.get("/v1/subscriptions").status_code == 401


def test_delivery_log_redeliver_and_replay(web, api_tenants, engine):
    supplier = uuid.uuid4()
    buyer = buyer_with(api_tenants, engine, supplier)
    sub_id = create(web, buyer)["id"]
    first, second = publish(engine, supplier), publish(engine, supplier)
    base = f"/v1/subscriptions/{sub_id}"

    page = web.get(f"{base}/deliveries?limit=1", headers=buyer.headers).json()
    rest = web.get(f"{base}/deliveries?limit=1&cursor={page['next_cursor']}", headers=buyer.headers).json()
    assert [d["event_id"] for d in page["data"] + rest["data"]] == [str(second.id), str(first.id)]
    assert (page["has_more"], rest["has_more"]) == (True, False)

    redelivered = web.post(f"{base}/deliveries/{page['data'][0]['id']}/redeliver", headers=buyer.headers)
    assert redelivered.status_code == 202
    assert redelivered.json()["status"] == "pending"

    window = {
        "from": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "to": datetime.now(UTC).isoformat(),
    }
    replayed = web.post(f"{base}/replay", json=window, headers=buyer.headers)
    assert replayed.status_code == 202
    assert replayed.json() == {"queued": 2}
    backwards = web.post(
        f"{base}/replay", json={"from": window["to"], "to": window["from"]}, headers=buyer.headers
    )
    assert backwards.status_code == 422


def test_delete_removes_the_subscription(web, api_tenants):
    buyer = api_tenants.buyer()
    path = f"/v1/subscriptions/{create(web, buyer)['id']}"
    assert web.delete(path, headers=buyer.headers | {"If-Match": '"v0"'}).status_code == 412
    assert web.delete(path, headers=buyer.headers).status_code == 204
    assert web.get(path, headers=buyer.headers).status_code == 404


def test_feed_pages_in_order_with_a_cursor_and_a_type_filter(web, api_tenants, engine):
    mine, foreign = uuid.uuid4(), uuid.uuid4()
    buyer = buyer_with(api_tenants, engine, mine)
    published = [publish(engine, mine) for _ in range(3)]
    publish(engine, foreign)

    first = web.get("/v1/events?limit=2", headers=buyer.headers).json()
    second = web.get(f"/v1/events?limit=2&cursor={first['next_cursor']}", headers=buyer.headers).json()
    empty = web.get(f"/v1/events?cursor={second['next_cursor']}", headers=buyer.headers).json()

    got = first["data"] + second["data"]
    assert [e["id"] for e in got] == [str(e.id) for e in published]
    assert [e["sequence"] for e in got] == sorted(e["sequence"] for e in got)
    assert (first["has_more"], second["has_more"]) == (True, False)
    assert empty == {"data": [], "next_cursor": second["next_cursor"], "has_more": False}
    other = web.get("/v1/events?type=greenchain.gateway.endpoint.disabled.v1", headers=buyer.headers).json()
    assert other["data"] == []


def test_openapi_documents_the_routes(api):
    paths = api.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/subscriptions",
        "/v1/subscriptions/{subscription_id}",
        "/v1/subscriptions/{subscription_id}/secret/rotate",
        "/v1/subscriptions/{subscription_id}/deliveries",
        "/v1/subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliver",
        "/v1/subscriptions/{subscription_id}/replay",
        "/v1/events",
        "/v1/events/stream",
    ):
        assert path in paths


def test_zz_a_cursor_older_than_retention_is_gone(web, api_tenants, engine):
    """Runs last in this module: the purge raises the feed's low-water mark for the database."""
    supplier = uuid.uuid4()
    buyer = buyer_with(api_tenants, engine, supplier)
    old, kept = publish(engine, supplier), publish(engine, supplier)
    with engine.begin() as conn:
        conn.execute(
            update(events)
            .where(events.c.id == old.id)
            .values(recorded_at=datetime.now(UTC) - timedelta(days=31))
        )
    before = web.get("/v1/events", headers=buyer.headers).json()["data"]
    assert purge_expired(retention_days=30, engine=engine) >= 1

    stale = web.get(f"/v1/events?cursor={before[0]['sequence'] - 1}", headers=buyer.headers)
    fresh = web.get(f"/v1/events?cursor={before[0]['sequence']}", headers=buyer.headers)

    assert stale.status_code == 410
    assert "retention" in stale.json()["detail"]
    assert [e["id"] for e in fresh.json()["data"]] == [str(kept.id)]
