"""Edge conventions: Idempotency-Key on another creating POST, 429 with Retry-After, X-Request-ID."""

import uuid


def test_supply_base_add_is_idempotent_too(client, new_buyer, register):
    client.caller.be(new_buyer())
    supplier = register()
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = client.post("/v1/supply-base", json={"uscc": supplier["uscc"]}, headers=key)
    again = client.post("/v1/supply-base", json={"uscc": supplier["uscc"]}, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)  # replayed: not the 200 of a relabel
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.post("/v1/supply-base", json={"uscc": supplier["uscc"], "category": "x"}, headers=key)
    assert other.status_code == 422


def test_a_failed_request_stores_no_answer_for_its_key(client, new_buyer, fresh_uscc, register):
    client.caller.be(new_buyer())
    key = {"Idempotency-Key": "retry-me"}
    assert client.post("/v1/supply-base", json={"uscc": fresh_uscc()}, headers=key).status_code == 422
    supplier = register()
    assert client.post("/v1/supply-base", json={"uscc": supplier["uscc"]}, headers=key).status_code == 201


def test_429_with_retry_after_per_client(make_client, new_buyer):
    client = make_client(rate_limit_per_s=0.5, rate_limit_burst=2)
    client.caller.be(new_buyer())
    statuses = [client.get("/v1/supply-base").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = client.get("/v1/supply-base")
    assert limited.status_code == 429
    assert limited.headers["content-type"] == "application/problem+json"
    assert int(limited.headers["Retry-After"]) >= 1
    client.caller.be(new_buyer())  # another client has its own bucket
    assert client.get("/v1/supply-base").status_code == 200


def test_every_answer_carries_a_request_id(client, new_buyer):
    client.caller.be(new_buyer())
    echoed = client.get("/v1/supply-base", headers={"X-Request-ID": "req-42"})
    assert echoed.headers["X-Request-ID"] == "req-42"
    minted = client.get("/v1/policies/none")
    assert minted.status_code == 404
    assert minted.headers["X-Request-ID"] == minted.headers["X-Correlation-ID"]
    insane = client.get("/healthz", headers={"X-Request-ID": "a" * 300})
    assert insane.headers["X-Request-ID"] != "a" * 300
    assert insane.headers["X-Request-ID"]
