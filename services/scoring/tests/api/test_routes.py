"""Each route of the scoring API over HTTP, on data produced by the real handlers and rescore."""

from __future__ import annotations

import uuid
from decimal import Decimal

from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


def test_the_routes_need_the_service_credential(client: TestClient, population):
    response = client.get(f"/v1/scorecards/{population.c3825[0]}", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM


def test_current_scorecards_newest_year_first_in_the_gateway_shape(client: TestClient, population):
    best = client.get("/v1/rankings/2026", params={"limit": 1}).json()["items"][0]["supplier_id"]
    response = client.get(f"/v1/scorecards/{best}")

    assert response.status_code == 200
    cards = response.json()
    assert [c["year"] for c in cards] == [2026, 2025]
    first = cards[0]
    assert {"supplier_id", "year", "model_version", "score", "band", "reason"} <= first.keys()
    assert isinstance(first["score"], str)  # a decimal string, never a float
    assert first["model_version"] == "2026.1"
    assert first["grade"] == "A+"  # the best in a population of 12 ranked suppliers


def test_an_unknown_supplier_is_a_404_problem(client: TestClient, population):
    for path in (f"/v1/scorecards/{uuid.uuid4()}", f"/v1/scorecards/{population.c3825[0]}/2019"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM


def test_one_year_explained_with_evidence_and_positions(client: TestClient, population):
    response = client.get(f"/v1/scorecards/{population.c3841[0]}/2026")

    assert response.status_code == 200
    body = response.json()
    criteria = body["card"]["criteria"]
    assert all(c["explanation"] for c in criteria)
    iso = next(c for c in criteria if c["criterion_id"] == "M2")
    assert iso["points"] == "3.00"
    assert len(iso["evidence_ids"]) == 1
    r4 = next(c for c in criteria if c["criterion_id"] == "R4")
    assert r4["evidence_ids"] == ["performance/2026/v1#renewable_electricity_share_pct"]
    assert body["overall"]["size"] == 12
    assert body["in_industry"]["size"] == 4
    assert body["in_industry"]["rank"] == 4  # the weakest of C3841
    assert body["in_industry"]["percentile"] == "0.00"


def test_an_unrated_year_has_no_positions(client: TestClient, population):
    body = client.get(f"/v1/scorecards/{population.unrated}/2026").json()
    assert (body["score"], body["band"], body["overall"], body["grade"]) == (None, "Unrated", None, None)
    assert "not filed" in body["reason"]


def test_history_newest_revision_first(client: TestClient, population):
    response = client.get(f"/v1/scorecards/{population.c3825[0]}/2026/history")

    assert response.status_code == 200
    revisions = response.json()
    assert [r["revision"] for r in revisions] == sorted((r["revision"] for r in revisions), reverse=True)
    assert revisions[-1]["band"] == "Unrated"  # registered before any data arrived
    assert revisions[0]["card"]["rated"] is True


def test_rankings_are_paginated_without_repeats(client: TestClient, population):
    seen, cursor = [], None
    while True:
        params = {"limit": 5} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/rankings/2026", params=params).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 12 == len({item["supplier_id"] for item in seen})
    scores = [Decimal(item["score"]) for item in seen]
    assert scores == sorted(scores, reverse=True)
    for item, total in zip(seen, scores, strict=True):  # competition ranks, counted across pages
        assert item["rank"] == 1 + sum(other > total for other in scores)
        assert Decimal(item["percentile"]) == round(Decimal(100) * sum(o < total for o in scores) / 12, 2)
    assert seen[0]["grade"] == "A+"


def test_rankings_within_an_industry(client: TestClient, population):
    page = client.get("/v1/rankings/2026", params={"industry": "C3841"}).json()
    assert [item["supplier_id"] for item in page["items"]] == [str(s) for s in reversed(population.c3841)]
    assert page["size"] == 4


def test_a_damaged_cursor_or_bad_industry_is_a_4xx_naming_the_field(client: TestClient, population):
    response = client.get("/v1/rankings/2026", params={"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "#/query/cursor"
    response = client.get("/v1/rankings/2026", params={"industry": "steel"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/query/industry"
    assert client.get("/v1/rankings/1999").status_code == 422
    assert client.get("/v1/rankings/2030").status_code == 404


def test_distribution_counts_grades_and_bands(client: TestClient, population):
    overall = client.get("/v1/distribution/2026").json()
    assert overall["suppliers"] == 14
    assert overall["grades"] == {"A+": 1, "A": 4, "B": 7}  # round(5 % of 12) = 1, round(40 %) = 5
    assert overall["bands"]["Unrated"] == 2
    within = client.get("/v1/distribution/2026", params={"industry": "C3841"}).json()
    assert sum(within["grades"].values()) == 4


def test_the_green_list_with_entries_and_exits(client: TestClient, population):
    response = client.get("/v1/green-lists/2026")

    assert response.status_code == 200
    body = response.json()
    listed = {entry["supplier_id"] for entry in body["entries"]}
    assert str(population.unrated) not in listed
    assert [(e["supplier_id"], e["exit_reason"]) for e in body["exited"]] == [
        (str(population.dropped), "data_not_filed")
    ]
    assert body["entered"] == []  # everyone listed was already on the 2025 list
    assert body["size"] == len(listed)
    assert client.get("/v1/green-lists/2024").status_code == 404


def test_batch_lookup(client: TestClient, population):
    unknown = uuid.uuid4()
    ids = [population.c3825[0], population.unrated, unknown]
    response = client.get("/v1/scorecards", params={"supplier_ids": ",".join(map(str, ids)), "year": 2026})

    assert response.status_code == 200
    body = response.json()
    assert {item["supplier_id"] for item in body["items"]} == {str(ids[0]), str(ids[1])}
    assert body["missing"] == [str(unknown)]
    too_many = ",".join(str(uuid.uuid4()) for _ in range(501))
    response = client.get("/v1/scorecards", params={"supplier_ids": too_many})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/query/supplier_ids"
    response = client.get("/v1/scorecards", params={"supplier_ids": "x"})
    assert response.status_code == 422
