"""The token endpoint, bearer checks, disabling and secret rotation, on a real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from gateway.service_layer.tokens import Claims, TokenSigner
from launcher.tenants import Tenants, request_token

TOKEN = "/v1/oauth/token"


def subscriptions(api: TestClient, token: str) -> httpx.Response:
    """A route needing `subscriptions:write` that answers without any upstream."""
    return api.get(f"/v1/subscriptions/{uuid.uuid4()}", headers={"Authorization": f"Bearer {token}"})


def test_a_client_gets_a_bearer_token_with_http_basic(api: TestClient, api_tenants: Tenants):
    buyer = api_tenants.buyer()
    response = request_token(api, buyer.client_id, buyer.secret)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert set(body["scope"].split()) == set(buyer.scopes)
    assert response.headers["cache-control"] == "no-store"
    assert subscriptions(api, body["access_token"]).status_code == 404  # authorised, and no such id


def test_credentials_may_come_in_the_form(api: TestClient, api_tenants: Tenants):
    buyer = api_tenants.buyer()
    form = {"grant_type": "client_credentials", "client_id": buyer.client_id, "client_secret": buyer.secret}
    assert api.post(TOKEN, data=form).status_code == 200


@pytest.mark.parametrize(
    ("client_id", "secret"),
    [
        ("known", "gcs_wrong"),
        (str(uuid.uuid4()), "gcs_whatever"),
        ("not-a-uuid", "gcs_whatever"),
    ],
)
def test_bad_client_credentials_are_invalid_client(api: TestClient, api_tenants: Tenants, client_id, secret):
    if client_id == "known":
        client_id = api_tenants.buyer().client_id
    response = request_token(api, client_id, secret)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")
    assert response.headers["content-type"] == "application/problem+json"


def test_missing_credentials_and_wrong_grants_follow_rfc_6749(api: TestClient, api_tenants: Tenants):
    buyer = api_tenants.buyer()
    no_credentials = api.post(TOKEN, data={"grant_type": "client_credentials"})
    assert (no_credentials.status_code, no_credentials.json()["error"]) == (401, "invalid_client")
    no_grant = api.post(TOKEN, data={}, auth=(buyer.client_id, buyer.secret))
    assert (no_grant.status_code, no_grant.json()["error"]) == (400, "invalid_request")
    password = api.post(TOKEN, data={"grant_type": "password"}, auth=(buyer.client_id, buyer.secret))
    assert (password.status_code, password.json()["error"]) == (400, "unsupported_grant_type")
    both = api.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": buyer.client_id,
            "client_secret": buyer.secret,
        },
        auth=(buyer.client_id, buyer.secret),
    )
    assert (both.status_code, both.json()["error"]) == (400, "invalid_request")


def test_scope_narrows_the_token_and_never_widens_it(api: TestClient, api_tenants: Tenants):
    buyer = api_tenants.buyer()
    narrowed = request_token(api, buyer.client_id, buyer.secret, scope="compliance:read")
    assert narrowed.json()["scope"] == "compliance:read"
    assert subscriptions(api, narrowed.json()["access_token"]).status_code == 403
    widened = request_token(api, buyer.client_id, buyer.secret, scope="compliance:read reviews:write")
    assert (widened.status_code, widened.json()["error"]) == (400, "invalid_scope")


def test_no_token_a_bad_one_or_a_foreign_signature_is_401(api: TestClient, api_tenants: Tenants):
    buyer = api_tenants.buyer()
    claims = Claims(
        uuid.UUID(buyer.client_id), uuid.UUID(buyer.organisation_id), "buyer", None, frozenset({"admin"})
    )
    forged = TokenSigner("another key entirely, 32 characters long", 900).issue(claims).access_token
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": f"Bearer {forged}"}):
        response = api.get(f"/v1/subscriptions/{uuid.uuid4()}", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_an_expired_token_is_refused(api: TestClient, api_tenants: Tenants):
    buyer = api_tenants.buyer()
    signer: TokenSigner = api.app.state.token_signer
    claims = Claims(
        uuid.UUID(buyer.client_id), uuid.UUID(buyer.organisation_id), "buyer", None, frozenset(buyer.scopes)
    )
    fresh = signer.issue(claims).access_token
    expired = signer.issue(claims, now=datetime.now(UTC) - timedelta(seconds=signer.ttl_s + 1)).access_token
    assert subscriptions(api, fresh).status_code == 404
    response = subscriptions(api, expired)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_disabling_a_client_refuses_new_tokens_and_live_ones_at_once(api: TestClient, api_tenants: Tenants):
    from gateway.service_layer.tenants import disable_client

    buyer = api_tenants.buyer()
    token = request_token(api, buyer.client_id, buyer.secret).json()["access_token"]
    disable_client(client_id=uuid.UUID(buyer.client_id), engine=api_tenants.engine)
    assert subscriptions(api, token).status_code == 401
    assert request_token(api, buyer.client_id, buyer.secret).status_code == 401


def rotate(api: TestClient, admin_headers: dict[str, str], client_id: str) -> httpx.Response:
    return api.post(f"/v1/clients/{client_id}/secret", headers=admin_headers)


def test_rotation_keeps_the_old_secret_for_the_overlap(api: TestClient, api_tenants: Tenants):
    buyer = api_tenants.buyer()
    response = rotate(api, buyer.headers, buyer.client_id)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["client_secret"].startswith("gcs_")
    assert body["previous_secret_valid_for_s"] == 86_400
    assert request_token(api, buyer.client_id, body["client_secret"]).status_code == 200
    assert request_token(api, buyer.client_id, buyer.secret).status_code == 200  # within the overlap


def test_after_the_overlap_the_old_secret_is_refused(make_app, api_tenants: Tenants):
    strict = make_app(secret_rotation_overlap_s=0)
    buyer = api_tenants.buyer()
    token = request_token(strict, buyer.client_id, buyer.secret).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    new_secret = rotate(strict, headers, buyer.client_id).json()["client_secret"]
    assert request_token(strict, buyer.client_id, buyer.secret).status_code == 401
    assert request_token(strict, buyer.client_id, new_secret).status_code == 200


def test_only_an_admin_of_the_same_organisation_or_the_platform_rotates(
    api: TestClient, api_tenants: Tenants
):
    buyer, other = api_tenants.buyer(), api_tenants.buyer()
    reader = api_tenants.organisation(
        "buyer", ["compliance:read"], name="reader", organisation_id=buyer.organisation_id
    )
    assert rotate(api, reader.headers, buyer.client_id).status_code == 403
    assert rotate(api, other.headers, buyer.client_id).status_code == 404
    assert rotate(api, buyer.headers, str(uuid.uuid4())).status_code == 404
    assert rotate(api, api_tenants.platform_admin().headers, buyer.client_id).status_code == 200
