"""`gateway admin ...` bootstraps tenants on a real database; what it prints works at the token endpoint."""

from __future__ import annotations

import json
import secrets
import uuid

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from gateway.cli import main
from gateway.config import Settings
from launcher.tenants import request_token


@pytest.fixture
def admin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], gateway_database_url: str):
    """Run `gateway admin <args>` in-process with the settings in the environment; (status, JSON)."""
    env = {
        "DATABASE_URL": gateway_database_url,
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
        "SUPPLIER_URL": "http://127.0.0.1:1",
        "SCORING_URL": "http://127.0.0.1:1",
    }
    for name, field in Settings.model_fields.items():
        if field.is_required() and name.upper() not in env and field.annotation is SecretStr:
            env[name.upper()] = secrets.token_urlsafe(32)
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    def run(*args: str) -> tuple[int, object]:
        with pytest.raises(SystemExit) as exited:
            main(["admin", *args])
        out, err = capsys.readouterr()
        status = int(exited.value.code or 0)
        return status, json.loads(out if status == 0 else err)

    return run


def test_an_installation_is_bootstrapped_from_the_cli(admin, api: TestClient):
    status, org = admin("create-org", "--name", "Acme Procurement", "--kind", "buyer")
    assert status == 0
    assert org["kind"] == "buyer"
    status, client = admin(
        "create-client", "--org", org["id"], "--name", "erp", "--scopes", "compliance:read,policies:write"
    )
    assert status == 0
    assert client["client_secret"].startswith("gcs_")
    assert client["scopes"] == ["compliance:read", "policies:write"]
    token = request_token(api, client["client_id"], client["client_secret"])
    assert token.status_code == 200
    assert token.json()["scope"] == "compliance:read policies:write"

    status, orgs = admin("list-orgs")
    assert any(o["id"] == org["id"] and o["name"] == "Acme Procurement" for o in orgs)


def test_rotation_and_disabling_from_the_cli(admin, api: TestClient):
    _, org = admin("create-org", "--name", "Rotating Buyer", "--kind", "buyer")
    _, client = admin("create-client", "--org", org["id"], "--name", "erp", "--scopes", "compliance:read")
    status, rotated = admin("rotate-secret", "--client", client["client_id"])
    assert status == 0
    assert rotated["client_secret"] != client["client_secret"]
    for secret in (client["client_secret"], rotated["client_secret"]):  # both, during the overlap
        assert request_token(api, client["client_id"], secret).status_code == 200
    status, _ = admin("disable-client", "--client", client["client_id"])
    assert status == 0
    assert request_token(api, client["client_id"], rotated["client_secret"]).status_code == 401


def test_reviewers_and_supplier_organisations(admin, api: TestClient):
    status, reviewer = admin("create-reviewer", "--name", "Li Reviewer")
    assert status == 0
    assert reviewer["scopes"] == ["compliance:read", "reviews:write"]
    _, orgs = admin("list-orgs")
    assert next(o for o in orgs if o["id"] == reviewer["organisation_id"])["kind"] == "platform"
    supplier_id = str(uuid.uuid4())
    status, org = admin(
        "create-org", "--name", "Fujian Fasteners", "--kind", "supplier", "--supplier-id", supplier_id
    )
    assert status == 0
    assert org["supplier_id"] == supplier_id


@pytest.mark.parametrize(
    "args",
    [
        ("create-org", "--name", "x", "--kind", "supplier"),  # a supplier org needs its supplier id
        ("create-org", "--name", "x", "--kind", "buyer", "--supplier-id", str(uuid.uuid4())),
        ("create-client", "--org", str(uuid.uuid4()), "--name", "x", "--scopes", "compliance:read"),
        ("rotate-secret", "--client", str(uuid.uuid4())),
        ("disable-client", "--client", str(uuid.uuid4())),
    ],
)
def test_refusals_are_json_on_stderr_with_status_2(admin, args):
    status, answer = admin(*args)
    assert status == 2
    assert answer["error"]


def test_a_buyer_client_cannot_be_given_platform_scopes(admin):
    _, org = admin("create-org", "--name", "Greedy Buyer", "--kind", "buyer")
    for scopes in ("reviews:write", "suppliers:write", "nonsense"):
        status, answer = admin("create-client", "--org", org["id"], "--name", "x", "--scopes", scopes)
        assert status == 2, scopes
        assert scopes in answer["error"] or "unknown" in answer["error"]
