"""PACT v3 footprints over the API: field-by-field validation, versions that deprecate, both readable."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from shared.contracts.supplier import FootprintDeprecated, FootprintPublished
from shared.events import CONTRACTS, EventContract
from supplier.adapters.orm import outbox


def register(client: TestClient) -> str:
    body = {"legal_name": "Footprint Co", "country": "DE", "industry_code": "C3825"}
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


def footprint(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "specVersion": "3.0.1",
        "created": "2026-02-01T10:00:00Z",
        "status": "Active",
        "companyName": "Xiamen Motor Parts Co., Ltd.",
        "companyIds": ["urn:pact:company:customcode:buyer-assigned:XMP-0042"],
        "productDescription": "Brushless DC motor, 48 V, 750 W",
        "productIds": ["urn:pact:product:customcode:buyer-assigned:BLDC-750"],
        "productNameCompany": "BLDC-750",
        "pcf": {
            "declaredUnitOfMeasurement": "piece",
            "declaredUnitAmount": "1",
            "productMassPerDeclaredUnit": "3.2",
            "referencePeriodStart": "2025-01-01T00:00:00Z",
            "referencePeriodEnd": "2026-01-01T00:00:00Z",
            "pcfExcludingBiogenicUptake": "41.80",
            "pcfIncludingBiogenicUptake": "41.65",
            "fossilGhgEmissions": "41.70",
            "fossilCarbonContent": "0.9",
            "exemptedEmissionsPercent": "1.5",
            "packagingEmissionsIncluded": True,
            "ipccCharacterizationFactors": ["AR6"],
            "crossSectoralStandards": ["ISO14067"],
        },
    }
    return document | overrides


def with_pcf(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(footprint())
    document["pcf"].update(changes)
    return document


def outbox_count(database_url: str) -> int:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(outbox)).scalar_one()
    engine.dispose()
    return count


def test_publish_and_read(client: TestClient, supplier_db_url: str):
    supplier_id = register(client)
    document = footprint()
    response = client.post(f"/v1/suppliers/{supplier_id}/footprints", json=document)
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == f"/v1/footprints/{document['id']}"
    read = client.get(f"/v1/footprints/{document['id']}").json()
    assert read["status"] == "Active"
    assert read["footprint"]["pcf"]["pcfExcludingBiogenicUptake"] == "41.80"
    published = events_for(supplier_db_url, supplier_id)[-1]
    assert isinstance(published, FootprintPublished)
    assert str(published.pcf_excluding_biogenic_kgco2e) == "41.80"
    assert published.footprint["id"] == document["id"]
    again = client.post(f"/v1/suppliers/{supplier_id}/footprints", json=document)
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("document", "pointer"),
    [
        (footprint(companyIds=["urn:pact company:XMP"]), "#/companyIds/0"),
        (footprint(productIds=["not-a-urn"]), "#/productIds/0"),
        (footprint(id="not-a-uuid"), "#/id"),
        (with_pcf(exemptedEmissionsPercent="7"), "#/pcf/exemptedEmissionsPercent"),
        (with_pcf(pcfExcludingBiogenicUptake=41.8), "#/pcf/pcfExcludingBiogenicUptake"),
        (with_pcf(declaredUnitOfMeasurement="bushel"), "#/pcf/declaredUnitOfMeasurement"),
        (with_pcf(referencePeriodEnd="2024-01-01T00:00:00Z"), "#/pcf/referencePeriodEnd"),
    ],
)
def test_invalid_documents_are_422_naming_the_field(
    client: TestClient, supplier_db_url: str, document: dict[str, Any], pointer: str
):
    supplier_id = register(client)
    before = outbox_count(supplier_db_url)
    response = client.post(f"/v1/suppliers/{supplier_id}/footprints", json=document)
    assert response.status_code == 422
    assert pointer in [error["pointer"] for error in response.json()["errors"]]
    assert client.get(f"/v1/suppliers/{supplier_id}/footprints").json() == []
    assert outbox_count(supplier_db_url) == before


def test_a_new_version_deprecates_the_old_and_both_stay_readable(client: TestClient, supplier_db_url: str):
    supplier_id = register(client)
    old = footprint()
    client.post(f"/v1/suppliers/{supplier_id}/footprints", json=old)
    new = footprint(created="2026-03-01T00:00:00Z")
    new["pcf"]["pcfExcludingBiogenicUptake"] = "39.10"
    response = client.post(f"/v1/suppliers/{supplier_id}/footprints/{old['id']}/versions", json=new)
    assert response.status_code == 201, response.text
    assert response.json()["footprint"]["precedingPfIds"] == [old["id"]]
    assert response.json()["preceded_by"] == old["id"]

    old_read = client.get(f"/v1/footprints/{old['id']}").json()
    assert old_read["status"] == "Deprecated"
    assert old_read["superseded_by"] == new["id"]
    assert old_read["footprint"]["status"] == "Deprecated"
    assert client.get(f"/v1/footprints/{new['id']}").json()["status"] == "Active"
    listing = f"/v1/suppliers/{supplier_id}/footprints"
    assert [f["id"] for f in client.get(listing, params={"status": "Active"}).json()] == [new["id"]]
    by_product = client.get(listing, params={"productId": old["productIds"][0]}).json()
    assert {f["id"] for f in by_product} == {old["id"], new["id"]}

    published, deprecated = events_for(supplier_db_url, supplier_id)[-2:]
    assert isinstance(published, FootprintPublished)
    assert str(published.preceded_by) == old["id"]
    assert isinstance(deprecated, FootprintDeprecated)
    assert str(deprecated.superseded_by) == new["id"]
    twice = client.post(f"/v1/suppliers/{supplier_id}/footprints/{old['id']}/versions", json=footprint())
    assert twice.status_code == 409  # a deprecated footprint cannot be superseded again


def test_unknown_footprint_and_supplier(client: TestClient):
    assert client.get(f"/v1/footprints/{uuid.uuid4()}").status_code == 404
    assert client.post(f"/v1/suppliers/{uuid.uuid4()}/footprints", json=footprint()).status_code == 404
