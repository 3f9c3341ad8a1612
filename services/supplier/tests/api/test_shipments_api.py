"""Shipments over the API: GLEC emissions per leg, checked by hand, with factor version and tier."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select

from shared.contracts.supplier import ShipmentRecorded
from shared.events import CONTRACTS, EventContract
from supplier.adapters.orm import outbox


def register(client: TestClient) -> str:
    body = {"legal_name": "Shipment Co", "country": "DE", "industry_code": "C3825"}
    response = client.post("/v1/suppliers", json=body | {"registry_id": f"DE:{uuid.uuid4().hex}"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def events_for(database_url: str, supplier_id: str) -> list[EventContract]:
    """The supplier's outbox payloads, validated against their registered contracts."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(outbox).where(outbox.c.key == supplier_id).order_by(outbox.c.seq)).all()
    engine.dispose()
    return [CONTRACTS[row.event_type].model_validate(row.payload) for row in rows]


@pytest.fixture(scope="module")
def client(supplier_client) -> TestClient:
    return supplier_client()


def test_emissions_per_leg_and_total_match_a_hand_calculation(client: TestClient, supplier_db_url: str):
    supplier_id = register(client)
    body = {
        "buyer_reference": "PO-2026-0117",
        "shipped_on": "2026-03-02",
        "legs": [
            # 12.5 t x 340 km = 4250 tkm; x 107 g/tkm = 454,750 g = 454.75 kg (GLOBAL articulated truck)
            {"mode": "road", "vehicle_class": "articulated_truck", "distance_km": "340", "mass_t": "12.5"},
            # 12.5 t x 1000 km = 12500 tkm; carrier fuel-based: 150 kg / 5000 tkm = 30 g/tkm -> 375 kg
            {
                "mode": "rail", "distance_km": "1000", "mass_t": "12.5",
                "carrier_data": {"kind": "fuel_based", "trip_emissions_kgco2e": "150",
                                 "trip_tonne_km": "5000", "source": "carrier report 2025"},
            },
        ],
    }  # fmt: skip
    response = client.post(f"/v1/suppliers/{supplier_id}/shipments", json=body)
    assert response.status_code == 201, response.text
    shipment = response.json()
    road, rail = shipment["results"]
    assert Decimal(road["tonne_km"]) == Decimal("4250")
    assert Decimal(road["emissions_kgco2e"]) == Decimal("454.75")
    assert (road["tier"], road["factor_version"]) == ("default", "2026.1")
    assert Decimal(rail["emissions_kgco2e"]) == Decimal("375")
    assert rail["tier"] == "primary"
    assert Decimal(shipment["total_kgco2e"]) == Decimal("829.75")
    assert Decimal(shipment["total_tonne_km"]) == Decimal("16750")
    assert (shipment["tier"], shipment["factor_version"]) == ("default", "2026.1")

    recorded = events_for(supplier_db_url, supplier_id)[-1]
    assert isinstance(recorded, ShipmentRecorded)
    assert recorded.emissions_kgco2e == Decimal("829.75")
    assert recorded.year == 2026
    assert [leg.data_quality_tier for leg in recorded.legs] == ["default", "primary"]
    assert client.get(shipment_url := response.headers["Location"]).json()["id"] == shipment["id"]
    assert shipment_url.endswith(shipment["id"])
    assert [s["id"] for s in client.get(f"/v1/suppliers/{supplier_id}/shipments").json()] == [shipment["id"]]


def test_bad_legs_are_422_naming_the_field(client: TestClient):
    supplier_id = register(client)
    url = f"/v1/suppliers/{supplier_id}/shipments"
    leg = {"mode": "road", "distance_km": "10", "mass_t": "1"}
    negative = client.post(url, json={"shipped_on": "2026-03-02", "legs": [leg | {"mass_t": "-1"}]})
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["pointer"] == "#/legs/0/mass_t"
    assert client.post(url, json={"shipped_on": "2026-03-02", "legs": []}).status_code == 422
    unknown = client.post(
        url, json={"shipped_on": "2026-03-02", "legs": [leg | {"vehicle_class": "zeppelin"}]}
    )
    assert unknown.status_code == 422
    assert client.get(url).json() == []
    assert client.get(f"{url}/{uuid.uuid4()}").status_code == 404


def test_an_override_file_replaces_factors_and_names_its_version(supplier_client, tmp_path: Path):
    overrides = tmp_path / "acme.toml"
    overrides.write_text(
        'label = "acme"\n[[factors]]\nmode = "road"\nvehicle_class = "average"\nregion = "CN"\n'
        'intensity_gco2e_per_tkm = "80"\nsource = "ACME fleet study 2025"\ntier = "modelled"\n'
    )
    client = supplier_client(logistics_factor_overrides_path=overrides)
    supplier_id = register(client)
    leg = {"mode": "road", "region": "CN", "distance_km": "100", "mass_t": "2"}
    shipment = client.post(
        f"/v1/suppliers/{supplier_id}/shipments", json={"shipped_on": "2026-01-05", "legs": [leg]}
    ).json()
    assert shipment["factor_version"] == "2026.1+acme"
    assert Decimal(shipment["total_kgco2e"]) == Decimal("16")  # 200 tkm x 80 g
    assert shipment["results"][0]["tier"] == "modelled"
