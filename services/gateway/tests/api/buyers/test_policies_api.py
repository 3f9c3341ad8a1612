"""Versioned buyer policies over HTTP."""

RULES = {"min_band": "Qualified", "required_credentials": ["iso_14001"]}


def test_each_change_is_a_new_version_and_old_ones_stay(client, new_buyer):
    client.caller.be(new_buyer())
    first = client.put("/v1/policies/default", json=RULES)
    assert first.status_code == 201, first.text
    assert first.json()["version"] == 1
    assert first.headers["ETag"] == '"1"'
    unchanged = client.put("/v1/policies/default", json=RULES)
    assert unchanged.status_code == 200
    assert unchanged.json()["version"] == 1
    changed = client.put(
        "/v1/policies/default", json=RULES | {"min_band": "Leading"}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 201
    assert changed.json()["version"] == 2
    latest = client.get("/v1/policies/default")
    assert latest.json()["rules"]["min_band"] == "Leading"
    assert latest.headers["ETag"] == '"2"'
    assert client.get("/v1/policies/default/versions/1").json()["rules"]["min_band"] == "Qualified"
    assert client.get("/v1/policies/default/versions/3").status_code == 404
    client.put("/v1/policies/strict", json={"min_band": "Leading"})
    assert [(p["name"], p["version"]) for p in client.get("/v1/policies").json()] == [
        ("default", 2),
        ("strict", 1),
    ]


def test_a_stale_if_match_is_412(client, new_buyer):
    client.caller.be(new_buyer())
    client.put("/v1/policies/default", json=RULES)
    client.put("/v1/policies/default", json={"min_band": "Leading"})
    stale = client.put("/v1/policies/default", json={"min_band": "Conditional"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.get("/v1/policies/default").json()["version"] == 2


def test_invalid_rules_name_the_field(client, new_buyer):
    client.caller.be(new_buyer())
    response = client.put("/v1/policies/default", json={"min_band": "Great"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/min_band"
    limit = {"category": "bolts", "declared_unit": "kilogram", "max_kgco2e_per_unit": "-1"}
    negative = client.put("/v1/policies/default", json={"max_footprints": [limit]})
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["pointer"] == "#/max_footprints/0/max_kgco2e_per_unit"
    assert client.put("/v1/policies/Not A Name", json=RULES).status_code == 422


def test_policies_are_private_to_their_buyer(client, new_buyer):
    client.caller.be(new_buyer())
    client.put("/v1/policies/default", json=RULES)
    client.caller.be(new_buyer())
    assert client.get("/v1/policies/default").status_code == 404
    assert client.get("/v1/policies").json() == []
