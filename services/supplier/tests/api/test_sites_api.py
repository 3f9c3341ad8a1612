"""Sites over HTTP: create, read, list, conditional merge-patch, foreign ids, supplier.updated events."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

UPDATED = "greenchain.supplier.updated.v1"
SITE = {
    "name": "Mawei plant",
    "address": {
        "line": "8 Jiangbin East Road",
        "city": "Fuzhou",
        "region": "Fujian",
        "postal_code": "350015",
        "country": "CN",
    },
    "coordinates": {"latitude": 26.0, "longitude": 119.43},
    "industry_code": "C3311",
}
_serial = iter(range(1, 1_000_000))


@pytest.fixture(scope="module")
def client(supplier_client: Any) -> TestClient:
    return supplier_client()


@pytest.fixture(scope="module")
def engine(supplier_db_url: str) -> Iterator[Engine]:
    engine = create_engine(supplier_db_url)
    yield engine
    engine.dispose()


def supplier(client: TestClient) -> str:
    n = next(_serial)
    body = {"legal_name": f"Site test {n}", "country": "JP", "registry_id": f"JP:{n}", "industry_code": "C38"}
    response = client.post("/v1/suppliers", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def add_site(client: TestClient, supplier_id: str, **changes: Any) -> dict[str, Any]:
    response = client.post(f"/v1/suppliers/{supplier_id}/sites", json=SITE | changes)
    assert response.status_code == 201, response.text
    return response.json()


def updates(engine: Engine, supplier_id: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT payload FROM outbox WHERE key = :key AND event_type = :type ORDER BY seq"),
            {"key": supplier_id, "type": UPDATED},
        )
        return [row.payload for row in rows]


def site_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM sites")).scalar_one()


def test_adding_a_site_stores_it_and_announces_a_supplier_update(client, engine):
    supplier_id = supplier(client)

    created = client.post(f"/v1/suppliers/{supplier_id}/sites", json=SITE)

    assert created.status_code == 201, created.text
    site = created.json()
    assert created.headers["Location"] == f"/v1/suppliers/{supplier_id}/sites/{site['id']}"
    assert created.headers["ETag"] == '"1"'
    assert {k: site[k] for k in SITE} == SITE
    got = client.get(f"/v1/suppliers/{supplier_id}/sites/{site['id']}")
    assert got.status_code == 200
    assert got.json() == site
    assert got.headers["ETag"] == '"1"'
    assert [(e["changed_fields"], e["version"]) for e in updates(engine, supplier_id)] == [(["sites"], 2)]
    assert client.get(f"/v1/suppliers/{supplier_id}").json()["version"] == 2


def test_a_site_without_coordinates_or_own_industry(client):
    supplier_id = supplier(client)
    site = add_site(client, supplier_id, coordinates=None, industry_code=None)
    assert site["coordinates"] is None
    assert site["industry_code"] is None


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"coordinates": {"latitude": 26.0}}, "#/coordinates/longitude"),
        ({"coordinates": {"longitude": 119.0}}, "#/coordinates/latitude"),
        ({"coordinates": {"latitude": 90.5, "longitude": 0}}, "#/coordinates/latitude"),
        ({"coordinates": {"latitude": 0, "longitude": -180.1}}, "#/coordinates/longitude"),
        ({"industry_code": "3311"}, "#/industry_code"),
        ({"address": {"line": "1 Road", "city": "Fuzhou", "country": "XX"}}, "#/address/country"),
        ({"address": {"city": "Fuzhou", "country": "CN"}}, "#/address/line"),
        ({"name": ""}, "#/name"),
    ],
)
def test_an_invalid_site_is_422_naming_the_field_and_stores_nothing(client, engine, changes, pointer):
    supplier_id = supplier(client)
    before = site_count(engine)

    response = client.post(f"/v1/suppliers/{supplier_id}/sites", json=SITE | changes)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert pointer in [e["pointer"] for e in response.json()["errors"]]
    assert site_count(engine) == before
    assert updates(engine, supplier_id) == []


def test_sites_of_an_unknown_supplier_are_404(client, engine):
    unknown = uuid.uuid4()
    before = site_count(engine)
    assert client.post(f"/v1/suppliers/{unknown}/sites", json=SITE).status_code == 404
    assert client.get(f"/v1/suppliers/{unknown}/sites").status_code == 404
    assert site_count(engine) == before


def test_another_suppliers_site_is_not_found(client):
    owner, stranger = supplier(client), supplier(client)
    site = add_site(client, owner)
    url = f"/v1/suppliers/{stranger}/sites/{site['id']}"

    assert client.get(url).status_code == 404
    patched = client.patch(url, json={"name": "Taken"}, headers={"If-Match": '"1"'})
    assert patched.status_code == 404
    assert patched.json()["title"] == "Site not found"
    assert client.get(f"/v1/suppliers/{owner}/sites/{site['id']}").json()["name"] == SITE["name"]


def test_list_pages_through_the_suppliers_own_sites(client):
    supplier_id, other = supplier(client), supplier(client)
    ids = [add_site(client, supplier_id, name=f"Plant {n}")["id"] for n in range(5)]
    add_site(client, other)

    first = client.get(f"/v1/suppliers/{supplier_id}/sites", params={"limit": 3}).json()
    second = client.get(
        f"/v1/suppliers/{supplier_id}/sites", params={"limit": 3, "cursor": first["next_cursor"]}
    ).json()

    assert [s["id"] for s in first["items"] + second["items"]] == ids
    assert second["next_cursor"] is None


def test_patch_merges_into_the_site_under_if_match(client, engine):
    supplier_id = supplier(client)
    site = add_site(client, supplier_id)
    url = f"/v1/suppliers/{supplier_id}/sites/{site['id']}"

    assert client.patch(url, json={"name": "Mawei 2"}).status_code == 428
    changed = client.patch(
        url,
        json={"address": {"city": "Fuzhou Mawei", "postal_code": None}, "coordinates": None},
        headers={"If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] == '"2"'
    body = changed.json()
    assert body["address"] == SITE["address"] | {"city": "Fuzhou Mawei", "postal_code": None}
    assert body["coordinates"] is None
    assert body["name"] == SITE["name"]
    stale = client.patch(url, json={"name": "Mawei 3"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.get(url).json()["name"] == SITE["name"]
    assert [e["changed_fields"] for e in updates(engine, supplier_id)] == [["sites"], ["sites"]]


def test_a_no_op_site_patch_publishes_nothing(client, engine):
    supplier_id = supplier(client)
    site = add_site(client, supplier_id)
    url = f"/v1/suppliers/{supplier_id}/sites/{site['id']}"

    response = client.patch(url, json={"name": SITE["name"]}, headers={"If-Match": '"1"'})

    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert len(updates(engine, supplier_id)) == 1  # only the creation


def test_a_refused_site_patch_writes_nothing(client, engine):
    supplier_id = supplier(client)
    site = add_site(client, supplier_id)
    url = f"/v1/suppliers/{supplier_id}/sites/{site['id']}"

    half = client.patch(url, json={"coordinates": {"latitude": None}}, headers={"If-Match": '"1"'})

    assert half.status_code == 422
    assert [e["pointer"] for e in half.json()["errors"]] == ["#/coordinates/latitude"]
    assert client.get(url).json() == site
    assert len(updates(engine, supplier_id)) == 1
