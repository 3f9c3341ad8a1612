"""The gateway app in-process on its own migrated database, calling the real supplier and scoring
services of the session stack; callers are buyer Principals made here (the authorisation matrix
itself is tested with real tokens elsewhere)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert

from gateway.adapters.tables.tenants import organisations
from gateway.api.app import create_app
from gateway.api.security import current_principal
from gateway.config import Settings
from gateway.service_layer.access import KIND_SCOPES, Principal
from launcher.stack import Stack
from launcher.testing import migrated_database, wait_until
from shared.identifiers import USCC_ALPHABET, uscc_check_character


def new_uscc() -> str:
    body = "91" + "".join(USCC_ALPHABET[b % 31] for b in uuid.uuid4().bytes[:15])
    return body + uscc_check_character(body)


class Caller:
    """Who the test client is: switch with `caller.be(principal)`."""

    def __init__(self) -> None:
        self.principal: Principal | None = None

    def __call__(self) -> Principal:
        assert self.principal is not None, "call caller.be(...) first"
        return self.principal

    def be(self, principal: Principal) -> Principal:
        self.principal = principal
        return principal


def _setting(value: str) -> object:
    return json.loads(value) if value[:1] in "[{" else value


@pytest.fixture(scope="session")
def gateway_database(stack: Stack) -> str:
    return migrated_database(stack.postgres, "gateway")


@pytest.fixture(scope="session")
def make_client(stack: Stack, gateway_database: str) -> Iterator[Callable[..., TestClient]]:
    """A TestClient on a fresh app; keyword arguments override settings (e.g. scoring_url)."""
    opened: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        # The processes' environment, parsed as pydantic-settings would (lists arrive as JSON).
        env = {k.lower(): _setting(v) for k, v in stack.env("gateway").items()}
        env |= {"database_url": gateway_database, "rate_limit_per_s": 1000, "rate_limit_burst": 1000}
        env.setdefault("webhook_secret_key", os.environ.get("WEBHOOK_SECRET_KEY", "k" * 40))
        app = create_app(Settings(**(env | overrides)))
        caller = Caller()
        app.dependency_overrides[current_principal] = caller
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        client.caller = caller  # type: ignore[attr-defined]
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture(scope="session")
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture(scope="session")
def new_buyer(gateway_database: str) -> Iterator[Callable[..., Principal]]:
    """A new buyer organisation in the database and a Principal of one of its clients."""
    engine = create_engine(gateway_database)

    def make(kind: str = "buyer", scopes: frozenset[str] | None = None) -> Principal:
        organisation_id = uuid.uuid4()
        supplier_id = uuid.uuid4() if kind == "supplier" else None
        with engine.begin() as conn:
            conn.execute(
                insert(organisations).values(
                    id=organisation_id, name=f"{kind} {organisation_id}", kind=kind, supplier_id=supplier_id
                )
            )
        return Principal(uuid.uuid4(), organisation_id, kind, supplier_id, scopes or KIND_SCOPES[kind])  # type: ignore[arg-type]

    yield make
    engine.dispose()


@pytest.fixture(scope="session")
def supplier_service(stack: Stack) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {stack.config.internal_token}"}
    with httpx.Client(base_url=stack.url("supplier"), headers=headers, timeout=30) as http:
        yield http


@pytest.fixture(scope="session")
def register(supplier_service: httpx.Client) -> Callable[[], dict]:
    """Register a supplier in the real supplier service; returns its record."""

    def make() -> dict:
        body = {
            "legal_name": "Fujian Green Fasteners",
            "country": "CN",
            "uscc": new_uscc(),
            "industry_code": "C3825",
        }
        response = supplier_service.post("/v1/suppliers", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture(scope="session")
def verified_credential(supplier_service: httpx.Client) -> Callable[..., dict]:
    """Submit and verify a credential of `kind` expiring on `expires_on`, in the supplier service."""

    def make(supplier_id: str, expires_on: date, kind: str = "iso_14001") -> dict:
        body = {
            "type": kind,
            "number": f"CN-{uuid.uuid4().hex[:10]}",
            "issuer": "China Quality Certification Centre",
            "standard": "ISO 14001:2015",
            "scope": "Manufacture of fasteners",
            "issued_on": "2025-01-10",
            "expires_on": expires_on.isoformat(),
        }
        submitted = supplier_service.post(f"/v1/suppliers/{supplier_id}/credentials", json=body)
        assert submitted.status_code == 201, submitted.text
        path = f"/v1/suppliers/{supplier_id}/credentials/{submitted.json()['id']}/verify"
        verified = supplier_service.post(path, json={"reviewer": "test reviewer"})
        assert verified.status_code == 200, verified.text
        return verified.json()

    return make


@pytest.fixture(scope="session")
def scored(stack: Stack) -> Callable[[str], list]:
    """Wait until scoring has a scorecard for the supplier; returns its scorecards."""

    def wait(supplier_id: str) -> list:
        found: list = []

        def has_card() -> bool:
            response = httpx.get(
                f"{stack.url('scoring')}/v1/scorecards/{supplier_id}",
                headers={"Authorization": f"Bearer {stack.config.internal_token}"},
                timeout=10,
            )
            body = response.json() if response.status_code == 200 else []
            items = body.get("items", []) if isinstance(body, dict) else body
            found[:] = items
            return bool(items)

        assert wait_until(has_card, timeout_s=60, interval_s=0.5), "no scorecard in time"
        return found

    return wait


@pytest.fixture(scope="session")
def fresh_uscc() -> Callable[[], str]:
    """Valid USCCs nobody has registered."""
    return new_uscc
