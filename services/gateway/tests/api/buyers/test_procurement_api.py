"""Procurement checks over HTTP: decisions with reasons and evidence, audit trail, idempotency."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

BOLT = "urn:pact:product:gtin:04012345678901"
POLICY = {
    "required_credentials": ["iso_14001"],
    "credential_expiry_warning_days": 60,
    "max_footprints": [{"category": "fasteners", "declared_unit": "kilogram", "max_kgco2e_per_unit": "2.5"}],
    "max_logistics_intensity_gco2e_per_tkm": "120",
}


@pytest.fixture
def buyer_with_supplier(client, new_buyer, register):
    buyer = client.caller.be(new_buyer())
    supplier = register()
    assert client.post("/v1/supply-base", json={"uscc": supplier["uscc"]}).status_code == 201
    assert client.put("/v1/policies/default", json=POLICY).status_code == 201
    return buyer, supplier


def purchase(supplier_id: str, **overrides) -> dict:
    body = {
        "supplier_id": supplier_id,
        "products": [
            {"product_id": BOLT, "category": "fasteners", "quantity": "1200", "declared_unit": "kilogram"}
        ],
        "lanes": [{"mode": "road", "distance_km": "850", "mass_t": "1.2", "intensity_gco2e_per_tkm": "95"}],
    }
    return body | overrides


def reasons(check: dict) -> dict[str, str]:
    return {r["clause"]: r["code"] for r in check["reasons"]}


def test_deny_then_conditions_after_the_credential_is_verified(
    client, buyer_with_supplier, verified_credential
):
    _, supplier = buyer_with_supplier
    denied = client.post("/v1/procurement/checks", json=purchase(supplier["id"]))
    assert denied.status_code == 201, denied.text
    body = denied.json()
    assert body["decision"] == "deny"
    assert body["policy"] == {"name": "default", "version": 1}
    assert reasons(body)["required_credential:iso_14001"] == "credential_missing"
    assert reasons(body)["max_logistics_intensity"] == "lane_intensity_within_maximum"
    assert denied.headers["Location"] == f"/v1/procurement/checks/{body['id']}"

    credential = verified_credential(supplier["id"], datetime.now(UTC).date() + timedelta(days=30))
    later = client.post("/v1/procurement/checks", json=purchase(supplier["id"])).json()
    # Valid now, but expiring within the 60-day warning; the footprint is not on file yet.
    assert later["decision"] == "allow_with_conditions"
    assert reasons(later)["required_credential:iso_14001"] == "credential_valid"
    assert reasons(later)["credential_expiry_warning"] == "credential_expiring"
    assert reasons(later)["max_footprint:fasteners"] == "footprint_missing"
    assert [c["id"] for c in later["evidence"]["credentials"]] == [credential["id"]]

    stored = client.get(f"/v1/procurement/checks/{body['id']}")
    assert stored.status_code == 200
    assert stored.json() == body
    listed = client.get("/v1/procurement/checks", params={"decision": "deny"}).json()["items"]
    assert [c["id"] for c in listed] == [body["id"]]
    page = client.get("/v1/procurement/checks", params={"limit": 1}).json()
    assert page["items"][0]["id"] == later["id"]
    assert page["next_cursor"]
    rest = client.get("/v1/procurement/checks", params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert rest["items"][0]["id"] == body["id"]


def test_a_lane_above_the_maximum_denies(client, buyer_with_supplier):
    _, supplier = buyer_with_supplier
    air = [{"mode": "air", "distance_km": "2000", "intensity_gco2e_per_tkm": "602"}]
    check = client.post("/v1/procurement/checks", json=purchase(supplier["id"], lanes=air)).json()
    assert reasons(check)["max_logistics_intensity"] == "lane_intensity_above_maximum"


def test_same_key_and_body_replays_without_a_second_check(client, buyer_with_supplier):
    _, supplier = buyer_with_supplier
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = client.post("/v1/procurement/checks", json=purchase(supplier["id"]), headers=key)
    second = client.post("/v1/procurement/checks", json=purchase(supplier["id"]), headers=key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["Location"] == first.headers["Location"]
    listed = client.get("/v1/procurement/checks").json()["items"]
    assert [c["id"] for c in listed] == [first.json()["id"]]


def test_same_key_with_another_body_is_422(client, buyer_with_supplier):
    _, supplier = buyer_with_supplier
    key = {"Idempotency-Key": "order-4711"}
    assert (
        client.post("/v1/procurement/checks", json=purchase(supplier["id"]), headers=key).status_code == 201
    )
    other = client.post("/v1/procurement/checks", json=purchase(supplier["id"], lanes=[]), headers=key)
    assert other.status_code == 422
    assert other.json()["errors"][0]["pointer"] == "#/header/Idempotency-Key"
    assert (
        client.post(
            "/v1/procurement/checks", json=purchase(supplier["id"]), headers={"Idempotency-Key": "a b"}
        ).status_code
        == 400
    )


def test_keys_belong_to_their_client(client, buyer_with_supplier, new_buyer, register):
    _, supplier = buyer_with_supplier
    key = {"Idempotency-Key": "shared-key"}
    first = client.post("/v1/procurement/checks", json=purchase(supplier["id"]), headers=key).json()
    client.caller.be(new_buyer())
    other_supplier = register()
    client.post("/v1/supply-base", json={"uscc": other_supplier["uscc"]})
    client.put("/v1/policies/default", json=POLICY)
    mine = client.post("/v1/procurement/checks", json=purchase(other_supplier["id"]), headers=key)
    assert mine.status_code == 201
    assert mine.json()["id"] != first["id"]


def test_unknown_policy_and_foreign_supplier_or_check(client, buyer_with_supplier, register, new_buyer):
    _, supplier = buyer_with_supplier
    unknown = client.post("/v1/procurement/checks", json=purchase(supplier["id"], policy="missing"))
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["pointer"] == "#/policy"
    outsider = client.post("/v1/procurement/checks", json=purchase(register()["id"]))
    assert outsider.status_code == 404
    check = client.post("/v1/procurement/checks", json=purchase(supplier["id"])).json()
    client.caller.be(new_buyer())
    assert client.get(f"/v1/procurement/checks/{check['id']}").status_code == 404
    assert client.get("/v1/procurement/checks").json()["items"] == []


def test_bad_products_name_the_field(client, buyer_with_supplier):
    _, supplier = buyer_with_supplier
    bad = purchase(
        supplier["id"], products=[{"product_id": "bolt", "category": "fasteners", "quantity": "1"}]
    )
    response = client.post("/v1/procurement/checks", json=bad)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/products/0/product_id"
