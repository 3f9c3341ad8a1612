"""Supplier profiles over HTTP: ETag / If-Match, merge patches, identity fields, events in the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from shared.identifiers import uscc_check_character

REGISTERED = "greenchain.supplier.registered.v1"
UPDATED = "greenchain.supplier.updated.v1"


def make_uscc(n: int) -> str:
    first17 = f"91350100MA{n:07d}"
    return first17 + uscc_check_character(first17)


@pytest.fixture(scope="module")
def client(supplier_client: Any) -> TestClient:
    return supplier_client()


@pytest.fixture(scope="module")
def engine(supplier_db_url: str) -> Iterator[Engine]:
    engine = create_engine(supplier_db_url)
    yield engine
    engine.dispose()


_serial = iter(range(1, 10_000_000))


def register(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {"legal_name": "Fujian Green Fasteners Co., Ltd.", "country": "CN", "industry_code": "C3825"}
    body |= {"uscc": make_uscc(next(_serial))} | fields
    response = client.post("/v1/suppliers", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def events(engine: Engine, supplier_id: str) -> list[tuple[str, dict[str, Any]]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT event_type, payload FROM outbox WHERE key = :key ORDER BY seq"), {"key": supplier_id}
        )
        return [(row.event_type, row.payload) for row in rows]


def supplier_row(engine: Engine, supplier_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        row = (
            conn.execute(text("SELECT * FROM suppliers WHERE id = :id"), {"id": supplier_id}).mappings().one()
        )
        return dict(row)


def test_registration_with_size_and_contacts_answers_an_etag_and_announces_the_size(client, engine):
    contact = {"name": "Li Wei", "email": "li.wei@example.cn", "phone": "+86 591 8888 0000", "role": "EHS"}
    supplier = register(client, size="medium", contacts=[contact])

    got = client.get(f"/v1/suppliers/{supplier['id']}")
    assert got.status_code == 200
    assert got.headers["ETag"] == '"1"'
    assert got.json()["size"] == "medium"
    assert got.json()["contacts"] == [contact]
    assert got.json()["version"] == 1
    assert [(t, p["size"]) for t, p in events(engine, supplier["id"])] == [(REGISTERED, "medium")]


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"contacts": [{"name": "Li", "email": "li.wei.example.cn"}]}, "#/contacts/0/email"),
        ({"contacts": [{"name": "Li"}]}, "#/contacts/0/email"),
        ({"size": "huge"}, "#/size"),
    ],
)
def test_registration_refuses_a_bad_profile_naming_the_field(client, body, pointer):
    response = client.post(
        "/v1/suppliers",
        json={"legal_name": "X", "country": "CN", "industry_code": "C3825", "uscc": make_uscc(9_000_001)}
        | body,
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert pointer in [e["pointer"] for e in response.json()["errors"]]


def test_patch_needs_if_match_and_refuses_a_stale_one(client, engine):
    supplier = register(client)
    url = f"/v1/suppliers/{supplier['id']}"

    missing = client.patch(url, json={"size": "small"})
    assert missing.status_code == 428
    assert missing.headers["content-type"] == "application/problem+json"

    first = client.patch(url, json={"size": "small"}, headers={"If-Match": '"1"'})
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] == '"2"'
    assert first.json()["size"] == "small"

    stale = client.patch(url, json={"size": "large"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["current_version"] == 2
    weak = client.patch(url, json={"size": "large"}, headers={"If-Match": 'W/"2"'})
    assert weak.status_code == 412  # If-Match compares strongly (RFC 9110)

    assert client.get(url).json()["size"] == "small"
    assert [t for t, _ in events(engine, supplier["id"])] == [REGISTERED, UPDATED]


def test_patch_merges_bumps_the_version_and_publishes_the_changed_fields(client, engine):
    supplier = register(client, size="micro", contacts=[{"name": "Li", "email": "li@example.cn"}])
    url = f"/v1/suppliers/{supplier['id']}"
    new_contacts = [{"name": "Wang Fang", "email": "wang.fang@example.cn", "role": "purchasing"}]

    response = client.patch(
        url,
        json={"legal_name": "Fujian Green Fasteners Group", "contacts": new_contacts, "size": None},
        headers={"If-Match": '"1"'},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["legal_name"] == "Fujian Green Fasteners Group"
    assert body["size"] is None  # null removes (RFC 7396)
    assert body["contacts"] == [new_contacts[0] | {"phone": None}]
    assert body["industry_code"] == "C3825"  # untouched fields stay
    assert body["version"] == 2
    event_type, payload = events(engine, supplier["id"])[-1]
    assert event_type == UPDATED
    assert payload["version"] == 2
    assert payload["legal_name"] == "Fujian Green Fasteners Group"
    assert sorted(payload["changed_fields"]) == ["contacts", "legal_name", "size"]


def test_patch_accepts_the_merge_patch_media_type(client):
    supplier = register(client)
    response = client.patch(
        f"/v1/suppliers/{supplier['id']}",
        content=b'{"size": "micro"}',
        headers={"If-Match": '"1"', "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["size"] == "micro"


def test_the_state_change_and_its_event_commit_in_one_transaction(client, engine):
    supplier = register(client)
    response = client.patch(
        f"/v1/suppliers/{supplier['id']}", json={"size": "large"}, headers={"If-Match": "*"}
    )
    assert response.status_code == 200

    with engine.connect() as conn:
        supplier_xid = conn.execute(
            text("SELECT xmin::text FROM suppliers WHERE id = :id"), {"id": supplier["id"]}
        ).scalar_one()
        event_xid = conn.execute(
            text("SELECT xmin::text FROM outbox WHERE key = :key AND event_type = :type"),
            {"key": supplier["id"], "type": UPDATED},
        ).scalar_one()
    assert supplier_xid == event_xid


def test_a_no_op_patch_keeps_the_version_and_publishes_nothing(client, engine):
    supplier = register(client, size="small")
    url = f"/v1/suppliers/{supplier['id']}"

    response = client.patch(
        url, json={"size": "small", "country": "CN", "uscc": supplier["uscc"]}, headers={"If-Match": '"1"'}
    )

    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert [t for t, _ in events(engine, supplier["id"])] == [REGISTERED]


@pytest.mark.parametrize(
    ("patch", "pointer"),
    [
        ({"uscc": make_uscc(9_000_002)}, "#/uscc"),
        ({"country": "DE"}, "#/country"),
        ({"registry_id": "DE:HRB 1"}, "#/registry_id"),
        ({"industry_code": "C99999"}, "#/industry_code"),
        ({"legal_name": None}, "#/legal_name"),
        ({"contacts": [{"name": "Li", "email": "not-an-address"}]}, "#/contacts/0/email"),
        ({"founded": 1999}, "#/founded"),
    ],
)
def test_a_refused_patch_names_the_field_and_writes_nothing(client, engine, patch, pointer):
    supplier = register(client, size="small")
    url = f"/v1/suppliers/{supplier['id']}"
    before = supplier_row(engine, supplier["id"])

    response = client.patch(url, json={"size": "large", **patch}, headers={"If-Match": '"1"'})

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert pointer in [e["pointer"] for e in response.json()["errors"]]
    assert supplier_row(engine, supplier["id"]) == before
    assert [t for t, _ in events(engine, supplier["id"])] == [REGISTERED]


def test_patch_of_an_unknown_supplier_is_404(client):
    response = client.patch(
        f"/v1/suppliers/{uuid.uuid4()}", json={"size": "small"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_patch_body_must_be_a_json_object(client):
    supplier = register(client)
    response = client.patch(f"/v1/suppliers/{supplier['id']}", json=["size"], headers={"If-Match": '"1"'})
    assert response.status_code == 422


def test_lookup_by_uscc(client):
    supplier = register(client)

    found = client.get(f"/v1/suppliers/by-uscc/{supplier['uscc']}")
    assert found.status_code == 200
    assert found.json()["id"] == supplier["id"]
    assert found.headers["ETag"] == '"1"'
    assert client.get(f"/v1/suppliers/by-uscc/{make_uscc(9_000_003)}").status_code == 404
    malformed = client.get("/v1/suppliers/by-uscc/not-a-uscc")
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["pointer"] == "#/path/uscc"
