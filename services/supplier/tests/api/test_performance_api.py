"""Yearly performance over the API: stored, plausibility-flagged, announced through the outbox."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select

from shared.contracts.supplier import PerformanceFlaggedAbnormal, PerformanceReported
from shared.events import decode, encode, kafka_headers
from supplier.adapters.orm import outbox


@pytest.fixture(scope="module")
def client(supplier_client) -> TestClient:
    return supplier_client()


def register(client: TestClient) -> str:
    body = {"legal_name": f"Perf {uuid.uuid4().hex[:6]}", "country": "DE", "industry_code": "C3825"}
    response = client.post("/v1/suppliers", json=body | {"registry_id": f"DE:{uuid.uuid4().hex}"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def add_site(client: TestClient, supplier_id: str) -> str:
    address = {"line": "8 Jiangbin East Road", "city": "Fuzhou", "country": "CN"}
    response = client.post(f"/v1/suppliers/{supplier_id}/sites", json={"name": "Mawei", "address": address})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def figure(value: str, tier: str = "primary") -> dict[str, str]:
    return {"value": value, "tier": tier}


PLAUSIBLE: dict[str, Any] = {
    "energy_kgce": figure("120000"),
    "value_added_cny": figure("50000000", "primary_verified"),
    "scope1_tco2e": figure("800"),
    "scope2_location_tco2e": figure("1200"),
    "scope3_tco2e": {"1": figure("5000", "modelled")},
    "pollutants_pct_of_limit": {"cod": figure("45")},
    "renewable_electricity_share_pct": figure("35.5"),
    "ghg_verification_level": "third_party_limited",
}


def events_for(database_url: str, supplier_id: str) -> list:
    """The supplier's outbox rows, encoded as the relay would and decoded against their contracts."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(outbox).where(outbox.c.key == supplier_id).order_by(outbox.c.seq)).all()
    engine.dispose()
    decoded = []
    for row in rows:
        message = encode(
            event_id=row.event_id, event_type=row.event_type, source=row.source, time=row.created_at,
            key=row.key, data=row.payload, correlation_id=row.correlation_id,
        )  # fmt: skip
        decoded.append(decode(kafka_headers(message), message.key, message.value).data)
    return decoded


def test_a_plausible_year_is_stored_and_announced(client: TestClient, supplier_db_url: str):
    supplier_id = register(client)
    response = client.put(f"/v1/suppliers/{supplier_id}/performance/2025", json=PLAUSIBLE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["year"], body["abnormal"], body["abnormal_reasons"], body["version"]) == (2025, False, [], 1)
    assert body["data"]["energy_kgce"] == {"value": "120000", "tier": "primary"}

    events = [e for e in events_for(supplier_db_url, supplier_id) if isinstance(e, PerformanceReported)]
    assert len(events) == 1
    figures = events[0].figures
    assert figures["scope3_cat1_tco2e"].tier == "modelled"
    assert str(figures["pollutant_cod_pct_of_limit"].value) == "45"
    assert str(figures["energy_kgce"].value) == "120000"
    assert events[0].ghg_verification_level == "third_party_limited"


def test_reporting_again_replaces_the_year_and_bumps_the_version(client: TestClient):
    supplier_id = register(client)
    url = f"/v1/suppliers/{supplier_id}/performance/2024"
    client.put(url, json=PLAUSIBLE)
    again = client.put(url, json=PLAUSIBLE | {"energy_kgce": figure("110000")})
    assert again.json()["version"] == 2
    listed = client.get(f"/v1/suppliers/{supplier_id}/performance").json()
    assert [(y["year"], y["version"]) for y in listed] == [(2024, 2)]
    assert client.get(url).json()["data"]["energy_kgce"]["value"] == "110000"


def test_an_abnormal_year_is_stored_flagged_and_announced(client: TestClient, supplier_db_url: str):
    supplier_id = register(client)
    body = PLAUSIBLE | {"renewable_electricity_share_pct": figure("135"), "water_intake_m3": figure("-4")}
    response = client.put(f"/v1/suppliers/{supplier_id}/performance/2025", json=body)
    assert response.status_code == 200
    stored = response.json()
    assert stored["abnormal"] is True
    assert {r["field"] for r in stored["abnormal_reasons"]} == {
        "renewable_electricity_share_pct",
        "water_intake_m3",
    }

    events = events_for(supplier_db_url, supplier_id)
    assert [type(e) for e in events[-2:]] == [PerformanceReported, PerformanceFlaggedAbnormal]
    reported, flagged = events[-2:]
    assert reported.abnormal
    assert len(reported.abnormal_reasons) == 2
    assert flagged.reasons == reported.abnormal_reasons
    assert flagged.year == 2025


def test_a_structurally_invalid_figure_is_422_naming_the_field(client: TestClient, supplier_db_url: str):
    supplier_id = register(client)
    url = f"/v1/suppliers/{supplier_id}/performance/2025"
    bad_value = client.put(url, json={"energy_kgce": figure("a lot")})
    assert bad_value.status_code == 422
    assert bad_value.headers["content-type"] == "application/problem+json"
    assert "#/energy_kgce/value" in [e["pointer"] for e in bad_value.json()["errors"]]
    bad_tier = client.put(url, json={"scope3_tco2e": {"4": figure("1", "guessed")}})
    assert "#/scope3_tco2e/4/tier" in [e["pointer"] for e in bad_tier.json()["errors"]]
    assert client.put(url, json={"year": 2024}).json()["errors"][0]["pointer"] == "#/year"
    assert client.get(f"/v1/suppliers/{supplier_id}/performance").json() == []
    assert events_for(supplier_db_url, supplier_id)[1:] == []  # only the registration


def test_sites_have_their_own_years_and_must_belong_to_the_supplier(client: TestClient):
    supplier_id, other = register(client), register(client)
    site_id = add_site(client, supplier_id)
    base = f"/v1/suppliers/{supplier_id}/performance/2025"
    assert client.put(base, json=PLAUSIBLE).status_code == 200
    assert client.put(f"{base}?site_id={site_id}", json=PLAUSIBLE).json()["site_id"] == site_id
    listed = client.get(f"/v1/suppliers/{supplier_id}/performance").json()
    assert [y["site_id"] for y in listed] == [None, site_id]
    assert client.get(f"{base}?site_id={site_id}").json()["version"] == 1

    foreign = client.put(f"/v1/suppliers/{other}/performance/2025?site_id={site_id}", json=PLAUSIBLE)
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["pointer"] == "#/site_id"


def test_unknown_supplier_and_year_are_404(client: TestClient):
    missing = uuid.uuid4()
    assert client.put(f"/v1/suppliers/{missing}/performance/2025", json=PLAUSIBLE).status_code == 404
    assert client.get(f"/v1/suppliers/{missing}/performance").status_code == 404
    supplier_id = register(client)
    response = client.get(f"/v1/suppliers/{supplier_id}/performance/2019")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
