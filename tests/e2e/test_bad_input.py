"""Bad input gets a clear 4xx problem+json, never a 500, and stores nothing."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import create_engine, text

from launcher.stack import Stack
from launcher.tenants import Tenants

VALID = {
    "legal_name": "Fujian Green Fasteners",
    "country": "CN",
    "uscc": "91350100M000100Y43",
    "industry_code": "C3825",
}


@pytest.fixture
def gateway(stack: Stack, tenants: Tenants):
    """The platform operator's client: it may register suppliers and see every one."""
    headers = tenants.platform_admin().headers
    with httpx.Client(base_url=stack.url("gateway"), headers=headers, timeout=10) as client:
        yield client


def supplier_rows(stack: Stack) -> int:
    engine = create_engine(stack.database_url("supplier"))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM suppliers")).scalar_one()
    engine.dispose()
    return rows


@pytest.mark.parametrize(
    ("body", "status", "pointer"),
    [
        (VALID | {"uscc": "91350100M000100Y44"}, 422, "#/uscc"),  # wrong check character
        (VALID | {"uscc": "91350100M000100YI3"}, 422, "#/uscc"),  # I is not in the alphabet
        ({k: v for k, v in VALID.items() if k != "legal_name"}, 422, "#/legal_name"),
        (VALID | {"legal_name": 42}, 422, "#/legal_name"),
        (VALID | {"industry_code": "3825"}, 422, "#/industry_code"),
        (VALID | {"country": "China"}, 422, "#/country"),
        (VALID | {"unexpected": True}, 422, "#/unexpected"),
        ({k: v for k, v in VALID.items() if k != "uscc"}, 422, "#/"),  # a CN supplier needs its USCC
    ],
)
def test_invalid_registration_is_refused_with_a_field_pointer(gateway, stack, body, status, pointer):
    before = supplier_rows(stack)
    response = gateway.post("/v1/suppliers", json=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert any(e["pointer"] == pointer for e in problem["errors"]), problem
    assert supplier_rows(stack) == before


def test_malformed_json_is_a_400(gateway):
    response = gateway.post(
        "/v1/suppliers", content=b'{"legal_name": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


def test_a_huge_body_is_a_413(gateway, stack):
    before = supplier_rows(stack)
    response = gateway.post("/v1/suppliers", json=VALID | {"legal_name": "x" * 2_000_000})
    assert response.status_code == 413
    assert response.json()["title"] == "Request body too large"
    assert supplier_rows(stack) == before


def test_a_huge_chunked_body_is_a_413(gateway):
    def chunks():
        for _ in range(300):
            yield b"x" * 8192

    response = gateway.post("/v1/suppliers", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_unknown_route_and_method_are_problems(gateway):
    missing = gateway.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong_method = gateway.delete("/v1/suppliers")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"] == "application/problem+json"


def test_unknown_supplier_id_and_malformed_id(gateway):
    assert gateway.get("/v1/suppliers/00000000-0000-0000-0000-000000000000").status_code == 404
    assert gateway.get("/v1/suppliers/not-a-uuid").status_code == 422


def test_missing_or_wrong_token_is_a_401(stack):
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = httpx.post(f"{stack.url('gateway')}/v1/suppliers", json=VALID, headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"


def test_internal_services_refuse_callers_without_the_service_credential(stack):
    for service in ("supplier", "scoring"):
        response = httpx.get(f"{stack.url(service)}/v1/suppliers/00000000-0000-0000-0000-000000000000")
        assert response.status_code in (401, 404)  # scoring has no such route: 404 before auth is fine
    assert httpx.post(f"{stack.url('supplier')}/v1/suppliers", json=VALID).status_code == 401


def test_unsafe_webhook_urls_are_refused(gateway):
    for url in ("http://169.254.169.254/latest", "https://10.0.0.1/hook", "ftp://example.com/x"):
        response = gateway.post(
            "/v1/subscriptions", json={"url": url, "event_types": ["greenchain.compliance.score.changed.v1"]}
        )
        assert response.status_code == 422, url


def test_operational_routes(stack):
    for service in ("supplier", "scoring", "gateway"):
        assert httpx.get(f"{stack.url(service)}/healthz").json() == {"status": "ok"}
        assert httpx.get(f"{stack.url(service)}/readyz").status_code == 200
        assert "http_requests_total" in httpx.get(f"{stack.url(service)}/metrics").text
