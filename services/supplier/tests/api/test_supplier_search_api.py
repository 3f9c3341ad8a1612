"""Supplier list and search: keyset pagination through 120 suppliers, every filter, bad parameters."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine

from shared.identifiers import uscc_check_character
from supplier.adapters.tables.credentials import credentials

TOTAL = 120


def make_uscc(n: int) -> str:
    first17 = f"91440300MA{n:07d}"
    return first17 + uscc_check_character(first17)


@pytest.fixture(scope="module")
def client(supplier_client: Any) -> TestClient:
    return supplier_client()


@pytest.fixture(scope="module")
def engine(supplier_db_url: str) -> Iterator[Engine]:
    engine = create_engine(supplier_db_url)
    yield engine
    engine.dispose()


def _registration(n: int) -> dict[str, Any]:
    """Every 3rd supplier is in C3825, every 3rd + 1 in C3311, the rest in C2614; every 4th is German."""
    industry = ("C3825", "C3311", "C2614")[n % 3]
    if n % 4 == 0:
        return {
            "legal_name": f"Werk {n} GmbH",
            "country": "DE",
            "registry_id": f"DE:HRB {n}",
            "industry_code": industry,
        }
    return {
        "legal_name": f"Supplier {n} Co., Ltd.",
        "country": "CN",
        "uscc": make_uscc(n),
        "industry_code": industry,
    }


@pytest.fixture(scope="module")
def population(client: TestClient) -> list[dict[str, Any]]:
    """The module's 120 suppliers, in registration order."""
    created = []
    for n in range(TOTAL):
        response = client.post("/v1/suppliers", json=_registration(n))
        assert response.status_code == 201, response.text
        created.append(response.json())
    return created


def _credential(supplier_id: str, type_: str, state: str, expires_on: date | None) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "id": uuid.uuid4(),
        "supplier_id": uuid.UUID(supplier_id),
        "type": type_,
        "state": state,
        "number": uuid.uuid4().hex,
        "issuer": "CQC",
        "issued_on": date(2024, 1, 1),
        "expires_on": expires_on,
        "attributes": {},
        "site_ids": [],
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


@pytest.fixture(scope="module")
def with_credentials(population: list[dict[str, Any]], engine: Engine) -> dict[str, str]:
    """A few suppliers with credentials, written as part B's credentials table stores them."""
    today = datetime.now(UTC).date()
    ids = {
        name: population[i]["id"]
        for i, name in enumerate(
            ["verified_far", "verified_soon", "submitted_soon", "rejected_soon", "verified_expired"]
        )
    }
    rows = [
        _credential(ids["verified_far"], "iso_14001", "verified", today + timedelta(days=400)),
        _credential(ids["verified_soon"], "iso_14001", "verified", today + timedelta(days=20)),
        _credential(ids["submitted_soon"], "iso_50001", "submitted", today + timedelta(days=30)),
        _credential(ids["rejected_soon"], "iso_14001", "rejected", today + timedelta(days=10)),
        _credential(ids["verified_expired"], "iso_14001", "verified", today - timedelta(days=1)),
        # a second credential of one supplier must not make it match twice
        _credential(ids["verified_soon"], "iso_14001", "verified", today + timedelta(days=25)),
    ]
    with engine.begin() as conn:
        conn.execute(credentials.insert(), rows)
    return ids


def collect(client: TestClient, params: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(TOTAL + 2):  # bounded: a cursor loop would otherwise hang the test
        page = client.get("/v1/suppliers", params=params | ({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200, page.text
        items.extend(page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize("limit", [50, 7, 120, 200])
def test_pages_through_every_supplier_once_in_creation_order(client, population, limit):
    items = collect(client, {"limit": limit})
    assert [s["id"] for s in items] == [s["id"] for s in population]


def test_the_last_full_page_has_no_next_cursor(client, population):
    page = client.get("/v1/suppliers", params={"limit": TOTAL}).json()
    assert len(page["items"]) == TOTAL
    assert page["next_cursor"] is None


def test_a_supplier_registered_while_paging_appears_at_the_end_without_disturbing_earlier_pages(
    client, population
):
    first = client.get("/v1/suppliers", params={"limit": 60}).json()
    late = client.post(
        "/v1/suppliers",
        json={"legal_name": "Late Co", "country": "FR", "registry_id": "FR:late", "industry_code": "C3825"},
    ).json()
    rest = collect(client, {"limit": 60, "cursor": first["next_cursor"]})
    ids = [s["id"] for s in first["items"] + rest]
    assert ids == [s["id"] for s in population] + [late["id"]]


def test_industry_filter_matches_by_prefix(client, population):
    c38 = {s["id"] for s in collect(client, {"industry": "C38", "limit": 200})}
    exact = {s["id"] for s in collect(client, {"industry": "C3825"})}
    section = {s["id"] for s in collect(client, {"industry": "C"})}
    expected = {s["id"] for s in population if s["industry_code"] == "C3825"}
    assert c38 >= expected
    assert {s["id"] for s in population} & c38 == expected
    assert exact == c38
    assert section >= {s["id"] for s in population}


def test_country_and_name_filters_combine(client, population):
    german = collect(client, {"country": "DE"})
    assert {s["id"] for s in german} == {s["id"] for s in population if s["country"] == "DE"}
    named = collect(client, {"q": "werk 1", "country": "DE"})  # case-insensitive fragment
    assert sorted(s["legal_name"] for s in named) == sorted(
        s["legal_name"] for s in population if s["legal_name"].startswith("Werk 1")
    )
    assert collect(client, {"q": "100%_"}) == []  # LIKE wildcards are literal


def test_credential_type_and_state_filter_on_one_and_the_same_credential(client, with_credentials):
    ids = with_credentials
    verified_iso14001 = {
        s["id"] for s in collect(client, {"credential_type": "iso_14001", "credential_state": "verified"})
    }
    assert verified_iso14001 == {ids["verified_far"], ids["verified_soon"], ids["verified_expired"]}
    any_iso14001 = {s["id"] for s in collect(client, {"credential_type": "iso_14001"})}
    assert any_iso14001 == verified_iso14001 | {ids["rejected_soon"]}
    submitted = {s["id"] for s in collect(client, {"credential_state": "submitted"})}
    assert submitted == {ids["submitted_soon"]}
    assert collect(client, {"credential_type": "iso_50001", "credential_state": "verified"}) == []


def test_expiring_within_days_counts_live_credentials_from_today(client, with_credentials):
    ids = with_credentials
    within_30 = [s["id"] for s in collect(client, {"expiring_within_days": 30})]
    assert sorted(within_30) == sorted([ids["verified_soon"], ids["submitted_soon"]])  # each once
    within_20 = {s["id"] for s in collect(client, {"expiring_within_days": 20})}
    assert within_20 == {ids["verified_soon"]}
    iso_only = {
        s["id"] for s in collect(client, {"expiring_within_days": 30, "credential_type": "iso_14001"})
    }
    assert iso_only == {ids["verified_soon"]}


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"limit": 0}, "#/query/limit"),
        ({"limit": 201}, "#/query/limit"),
        ({"industry": "38"}, "#/query/industry"),
        ({"country": "cn"}, "#/query/country"),
        ({"credential_type": "iso14001x"}, "#/query/credential_type"),
        ({"credential_state": "pending"}, "#/query/credential_state"),
        ({"expiring_within_days": -1}, "#/query/expiring_within_days"),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(client, params, pointer):
    response = client.get("/v1/suppliers", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]


@pytest.mark.parametrize("cursor", ["garbage!", "bm90IGpzb24", "WyJhIl0", "WyJ4IiwieSJd"])
def test_a_cursor_not_issued_by_the_service_is_400(client, cursor):
    response = client.get("/v1/suppliers", params={"cursor": cursor})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["pointer"] == "#/query/cursor"
