"""Supply base over HTTP: add by USCC or id, bulk, list with cursor and filter, delete; per tenant."""

import uuid


def test_add_by_uscc_relabel_list_and_delete(client, new_buyer, register):
    client.caller.be(new_buyer())
    supplier = register()
    added = client.post(
        "/v1/supply-base", json={"uscc": supplier["uscc"], "supplier_code": "V-1", "category": "bolts"}
    )
    assert added.status_code == 201, added.text
    assert added.json()["supplier_id"] == supplier["id"]
    assert added.headers["Location"] == f"/v1/supply-base/{supplier['id']}"
    again = client.post("/v1/supply-base", json={"supplier_id": supplier["id"], "category": "nuts"})
    assert again.status_code == 200
    assert again.json()["category"] == "nuts"
    listed = client.get("/v1/supply-base").json()
    assert [e["supplier_id"] for e in listed["items"]] == [supplier["id"]]
    assert listed["next_cursor"] is None
    assert client.delete(f"/v1/supply-base/{supplier['id']}").status_code == 204
    gone = client.delete(f"/v1/supply-base/{supplier['id']}")
    assert gone.status_code == 404
    assert gone.headers["content-type"] == "application/problem+json"


def test_unknown_or_ambiguous_suppliers_are_422_naming_the_field(client, new_buyer, fresh_uscc):
    client.caller.be(new_buyer())
    unknown = client.post("/v1/supply-base", json={"uscc": fresh_uscc()})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["pointer"] == "#/uscc"
    by_id = client.post("/v1/supply-base", json={"supplier_id": str(uuid.uuid4())})
    assert by_id.status_code == 422
    assert by_id.json()["errors"][0]["pointer"] == "#/supplier_id"
    both = client.post("/v1/supply-base", json={"uscc": fresh_uscc(), "supplier_id": str(uuid.uuid4())})
    assert both.status_code == 422
    bad = client.post("/v1/supply-base", json={"uscc": "91350100M000100Y44"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["pointer"] == "#/uscc"
    assert client.get("/v1/supply-base").json()["items"] == []


def test_a_supplier_code_is_unique_per_buyer(client, new_buyer, register):
    client.caller.be(new_buyer())
    first, second = register(), register()
    assert (
        client.post("/v1/supply-base", json={"uscc": first["uscc"], "supplier_code": "X"}).status_code == 201
    )
    clash = client.post("/v1/supply-base", json={"uscc": second["uscc"], "supplier_code": "X"})
    assert clash.status_code == 409
    assert clash.json()["errors"][0]["pointer"] == "#/supplier_code"


def test_bulk_add_reports_each_item(client, new_buyer, register, fresh_uscc):
    client.caller.be(new_buyer())
    known = [register() for _ in range(3)]
    items = [{"uscc": s["uscc"], "category": "bolts"} for s in known] + [{"uscc": fresh_uscc()}]
    items.append({"supplier_id": known[0]["id"], "category": "nuts"})
    response = client.post("/v1/supply-base/bulk", json={"items": items})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["created"], body["updated"], body["failed"]) == (3, 1, 1)
    assert [r["status"] for r in body["results"]] == ["created"] * 3 + ["error", "updated"]
    assert body["results"][3]["problem"]["status"] == 422
    too_many = client.post("/v1/supply-base/bulk", json={"items": [{"uscc": fresh_uscc()}] * 1001})
    assert too_many.status_code == 422


def test_pages_and_category_filter(client, new_buyer, register):
    client.caller.be(new_buyer())
    suppliers = [register() for _ in range(5)]
    for index, supplier in enumerate(suppliers):
        category = "bolts" if index % 2 == 0 else "nuts"
        client.post("/v1/supply-base", json={"uscc": supplier["uscc"], "category": category})
    seen, cursor = [], None
    while True:
        page = client.get(
            "/v1/supply-base", params={"limit": 2} | ({"cursor": cursor} if cursor else {})
        ).json()
        seen += [e["supplier_id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(s["id"] for s in suppliers)
    bolts = client.get("/v1/supply-base", params={"category": "bolts"}).json()["items"]
    assert len(bolts) == 3
    assert client.get("/v1/supply-base", params={"cursor": "!!"}).status_code == 400


def test_tenants_see_only_their_own_supply_base(client, new_buyer, register):
    supplier = register()
    client.caller.be(new_buyer())
    client.post("/v1/supply-base", json={"uscc": supplier["uscc"]})
    client.caller.be(new_buyer())
    assert client.get("/v1/supply-base").json()["items"] == []
    assert client.delete(f"/v1/supply-base/{supplier['id']}").status_code == 404


def test_only_buyers_have_a_supply_base(client, new_buyer):
    client.caller.be(new_buyer(kind="supplier"))
    assert client.get("/v1/supply-base").status_code == 403


def test_scopes_are_enforced(client, new_buyer, register):
    client.caller.be(new_buyer(scopes=frozenset({"compliance:read"})))
    assert client.post("/v1/supply-base", json={"uscc": register()["uscc"]}).status_code == 403
    assert client.get("/v1/supply-base").status_code == 200
