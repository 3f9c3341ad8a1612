"""Compliance lookup over HTTP, composed from the real scoring and supplier services."""

import socket
import uuid
from datetime import UTC, datetime, timedelta

import pytest


@pytest.fixture
def in_supply_base(client, new_buyer, register, scored):
    buyer = client.caller.be(new_buyer())
    supplier = register()
    assert client.post("/v1/supply-base", json={"uscc": supplier["uscc"]}).status_code == 201
    scored(supplier["id"])
    return buyer, supplier


def test_one_supplier_with_its_expiring_credentials(client, in_supply_base, verified_credential):
    _, supplier = in_supply_base
    today = datetime.now(UTC).date()
    soon = verified_credential(supplier["id"], today + timedelta(days=30))
    verified_credential(supplier["id"], today + timedelta(days=200), kind="iso_50001")
    response = client.get(f"/v1/compliance/{supplier['id']}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["supplier_id"] == supplier["id"]
    assert body["year"] is not None
    assert body["band"] is not None
    assert set(body["grade"]) == {"overall", "industry"}
    assert body["scorecard_url"] == f"/v1/suppliers/{supplier['id']}/scorecards"
    assert [(c["credential_id"], c["days_left"]) for c in body["expiring_credentials"]] == [(soon["id"], 30)]
    wider = client.get(f"/v1/compliance/{supplier['id']}", params={"expiring_within_days": 365}).json()
    assert len(wider["expiring_credentials"]) == 2


def test_a_supplier_outside_the_supply_base_is_404(client, new_buyer, register):
    outsider = register()
    client.caller.be(new_buyer())
    assert client.get(f"/v1/compliance/{outsider['id']}").status_code == 404
    assert client.get(f"/v1/compliance/{uuid.uuid4()}").status_code == 404


def test_batch_marks_suppliers_outside_the_supply_base(client, in_supply_base, register):
    _, supplier = in_supply_base
    outsider = register()
    ids = [supplier["id"], outsider["id"], supplier["id"]]
    response = client.post("/v1/compliance/lookup", json={"supplier_ids": ids})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [(i["supplier_id"], i["status"]) for i in items] == [
        (supplier["id"], "ok"),
        (outsider["id"], "not_in_supply_base"),
    ]
    assert items[0]["compliance"]["band"] is not None
    assert items[1]["compliance"] is None
    too_many = client.post("/v1/compliance/lookup", json={"supplier_ids": [str(uuid.uuid4())] * 501})
    assert too_many.status_code == 422


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket closes


def test_scoring_down_is_a_503_problem_not_a_hang(make_client, new_buyer, register):
    client = make_client(scoring_url=f"http://127.0.0.1:{closed_port()}", upstream_timeout_s=2)
    client.caller.be(new_buyer())
    supplier = register()
    assert client.post("/v1/supply-base", json={"uscc": supplier["uscc"]}).status_code == 201
    single = client.get(f"/v1/compliance/{supplier['id']}")
    assert single.status_code == 503
    assert single.headers["content-type"] == "application/problem+json"
    assert "Retry-After" in single.headers
    assert "scoring" in single.json()["detail"]
    batch = client.post("/v1/compliance/lookup", json={"supplier_ids": [supplier["id"]]})
    assert batch.status_code == 503
