"""Bulk footprint imports on real PostgreSQL: PACT ProductFootprint JSON arrays and dotted-camelCase CSV.

Jobs are processed in-process by the importer's runner (the worker process is covered by
test_imports_api.py); every stored footprint announces itself with a FootprintPublished outbox row.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select

from shared.contracts.supplier import FootprintPublished
from shared.events import decode, encode, kafka_headers
from supplier.adapters.orm import outbox
from supplier.service_layer.imports import ImportRunner

BAD_URN = "urn:pact company:XMP"  # a space, and no namespace-specific string


@pytest.fixture(scope="module")
def client(supplier_client) -> TestClient:
    return supplier_client()


@pytest.fixture(scope="module")
def engine(supplier_db_url: str) -> Iterator[Engine]:
    engine = create_engine(supplier_db_url)
    yield engine
    engine.dispose()


def register(client: TestClient) -> str:
    body = {"legal_name": "Footprint Import Co", "country": "DE", "industry_code": "C3825"}
    response = client.post("/v1/suppliers", json=body | {"registry_id": f"DE:{uuid.uuid4().hex}"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def footprint(n: int, **overrides: Any) -> dict[str, Any]:
    """A valid PACT v3 ProductFootprint; `n` varies the product and its figures."""
    document: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "specVersion": "3.0.1",
        "created": "2026-02-01T10:00:00Z",
        "status": "Active",
        "companyName": "Xiamen Motor Parts Co., Ltd.",
        "companyIds": ["urn:pact:company:customcode:buyer-assigned:XMP-0042"],
        "productDescription": f"Brushless DC motor, model {n}",
        "productIds": [
            f"urn:pact:product:customcode:buyer-assigned:BLDC-{n}",
            f"urn:pact:product:customcode:vendor-assigned:XMP-BLDC-{n}",
        ],
        "productNameCompany": f"BLDC-{n}",
        "pcf": {
            "declaredUnitOfMeasurement": "piece",
            "declaredUnitAmount": "1",
            "productMassPerDeclaredUnit": "3.2",
            "referencePeriodStart": "2025-01-01T00:00:00Z",
            "referencePeriodEnd": "2026-01-01T00:00:00Z",
            "pcfExcludingBiogenicUptake": f"4{n}.80",
            "pcfIncludingBiogenicUptake": f"4{n}.65",
            "fossilGhgEmissions": f"4{n}.70",
            "fossilCarbonContent": "0.9",
            "exemptedEmissionsPercent": "1.5",
            "packagingEmissionsIncluded": True,
            "ipccCharacterizationFactors": ["AR6", "AR5"],
            "crossSectoralStandards": ["ISO14067"],
        },
    }
    return document | overrides


def as_csv(documents: list[dict[str, Any]]) -> bytes:
    """The documents as CSV: dotted camelCase columns, lists joined with `|`."""
    rows = [_flat(document) for document in documents]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _flat(document: dict[str, Any], prefix: str = "") -> dict[str, str]:
    cells: dict[str, str] = {}
    for name, value in document.items():
        if isinstance(value, dict):
            cells |= _flat(value, f"{prefix}{name}.")
        elif isinstance(value, list):
            cells[f"{prefix}{name}"] = "|".join(value)
        else:
            cells[f"{prefix}{name}"] = str(value).lower() if isinstance(value, bool) else str(value)
    return cells


def run_import(client: TestClient, engine: Engine, supplier_id: str, **post: Any) -> dict[str, Any]:
    """Queue the import, let the runner finish every open job, return the job as the API reads it."""
    response = client.post(f"/v1/suppliers/{supplier_id}/imports", **post)
    assert response.status_code == 202, response.text
    runner = ImportRunner(engine, batch_size=2)  # several batches even for these small files
    while runner.run_once():
        pass
    return client.get(response.headers["Location"]).json()


def post_csv(payload: bytes, mode: str) -> dict[str, Any]:
    params = {"kind": "footprints", "mode": mode}
    return {"params": params, "content": payload, "headers": {"content-type": "text/csv"}}


def post_json(documents: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    return {"params": {"kind": "footprints", "mode": mode}, "json": documents}


def published(engine: Engine, supplier_id: str) -> list[FootprintPublished]:
    """The supplier's FootprintPublished outbox rows, decoded exactly as a consumer would."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox)
            .where(outbox.c.key == supplier_id, outbox.c.event_type == FootprintPublished.event_type)
            .order_by(outbox.c.seq)
        ).all()
    events = []
    for row in rows:
        message = encode(
            event_id=row.event_id, event_type=row.event_type, source=row.source, time=row.created_at,
            key=row.key, data=row.payload, correlation_id=row.correlation_id,
        )  # fmt: skip
        event = decode(kafka_headers(message), message.key, message.value).data
        assert isinstance(event, FootprintPublished)
        events.append(event)
    return events


def stored_ids(client: TestClient, supplier_id: str) -> set[str]:
    return {item["id"] for item in client.get(f"/v1/suppliers/{supplier_id}/footprints").json()}


@pytest.mark.parametrize("format", ["json", "csv"])
def test_a_good_file_is_stored_and_every_footprint_is_published(
    client: TestClient, engine: Engine, format: str
):
    supplier_id = register(client)
    documents = [footprint(n) for n in range(1, 6)]
    post = (
        post_json(documents, "all_or_nothing")
        if format == "json"
        else post_csv(as_csv(documents), "all_or_nothing")
    )
    job = run_import(client, engine, supplier_id, **post)
    assert (job["status"], job["kind"], job["format"]) == ("succeeded", "footprints", format)
    assert (job["total_rows"], job["accepted_rows"], job["errors"]) == (5, 5, [])
    assert stored_ids(client, supplier_id) == {document["id"] for document in documents}
    read = client.get(f"/v1/footprints/{documents[1]['id']}").json()["footprint"]
    assert read["productIds"] == documents[1]["productIds"]  # the `|` list, in order
    assert read["pcf"]["declaredUnitAmount"] == "1"
    assert read["pcf"]["packagingEmissionsIncluded"] is True
    events = published(engine, supplier_id)
    assert [str(event.footprint_id) for event in events] == [document["id"] for document in documents]
    assert str(events[2].pcf_excluding_biogenic_kgco2e) == "43.80"
    assert events[2].product_ids == documents[2]["productIds"]
    assert events[2].footprint["pcf"]["ipccCharacterizationFactors"] == ["AR6", "AR5"]


@pytest.mark.parametrize(("format", "field"), [("csv", "companyIds"), ("json", "companyIds/0")])
def test_a_malformed_urn_in_row_2_fails_all_or_nothing_and_stores_nothing(
    client: TestClient, engine: Engine, format: str, field: str
):
    supplier_id = register(client)
    documents = [footprint(1), footprint(2, companyIds=[BAD_URN]), footprint(3)]
    post = (
        post_json(documents, "all_or_nothing")
        if format == "json"
        else post_csv(as_csv(documents), "all_or_nothing")
    )
    job = run_import(client, engine, supplier_id, **post)
    assert job["status"] == "failed"
    assert [(error["row"], error["field"]) for error in job["errors"]] == [(2, field)]
    assert (job["accepted_rows"], job["error_count"]) == (0, 1)
    assert stored_ids(client, supplier_id) == set()
    assert published(engine, supplier_id) == []


def test_best_effort_csv_stores_the_good_rows_and_names_the_bad_column(client: TestClient, engine: Engine):
    supplier_id = register(client)
    documents = [footprint(1), footprint(2), footprint(3)]
    documents[1]["pcf"] = documents[1]["pcf"] | {"declaredUnitAmount": "0"}
    job = run_import(client, engine, supplier_id, **post_csv(as_csv(documents), "best_effort"))
    assert (job["status"], job["accepted_rows"]) == ("succeeded", 2)
    assert [(error["row"], error["field"]) for error in job["errors"]] == [(2, "pcf.declaredUnitAmount")]
    assert stored_ids(client, supplier_id) == {documents[0]["id"], documents[2]["id"]}
    assert len(published(engine, supplier_id)) == 2


def test_a_csv_header_with_an_unknown_property_is_refused(client: TestClient, engine: Engine):
    supplier_id = register(client)
    payload = as_csv([footprint(1)]).replace(b"pcf.declaredUnitAmount", b"pcf.declaredAmount", 1)
    response = client.post(f"/v1/suppliers/{supplier_id}/imports", **post_csv(payload, "best_effort"))
    assert response.status_code == 422
    pointers = {error["pointer"] for error in response.json()["errors"]}
    assert pointers == {"#/header/pcf.declaredAmount", "#/header/pcf.declaredUnitAmount"}
    assert stored_ids(client, supplier_id) == set()
