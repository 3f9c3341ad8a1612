"""Bulk imports end to end on real PostgreSQL: the API queues, the `supplier importer` worker processes.

Row numbers are 1-based and count data rows (row 1 = the first line after the CSV header).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, func, select

from launcher.testing import wait_until
from shared.contracts.supplier import PerformanceReported
from shared.events import decode, encode, kafka_headers
from supplier.adapters.orm import outbox
from supplier.adapters.tables.performance import performance_years
from supplier.service_layer.imports import BatchFailed, ImportRunner

FIGURES = ("energy_kgce", "value_added_cny", "scope1_tco2e")
HEADER = ",".join(["year", "site_id", *(f"{name}{tier}" for name in FIGURES for tier in ("", "_tier"))])
BROKEN = {17: ("abc", "energy_kgce"), 5000: ("guessed", "energy_kgce_tier"), 9999: ("20x5", "year")}


@pytest.fixture(scope="module")
def client(supplier_client) -> TestClient:
    return supplier_client()


@pytest.fixture(scope="module")
def engine(supplier_db_url: str) -> Iterator[Engine]:
    engine = create_engine(supplier_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def importer(supplier_db_url: str, tmp_path: Path) -> Iterator[None]:
    """The real `supplier importer` process on this module's database."""
    env = os.environ | {
        "DATABASE_URL": supplier_db_url,
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",  # the importer never talks to Kafka
        "INTERNAL_TOKEN": "unused",
        "IMPORT_POLL_INTERVAL_S": "0.2",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with (tmp_path / "importer.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "supplier.cli", "importer"], env=env, stdout=log, stderr=log
        )
    yield
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def supplier_with_sites(client: TestClient, sites: int) -> tuple[str, list[str]]:
    body = {
        "legal_name": "Import Co",
        "country": "DE",
        "industry_code": "C3825",
        "registry_id": f"DE:{uuid.uuid4().hex}",
    }
    supplier_id = client.post("/v1/suppliers", json=body).json()["id"]
    address = {"line": "1 Road", "city": "Fuzhou", "country": "CN"}
    site_ids = [
        client.post(f"/v1/suppliers/{supplier_id}/sites", json={"name": f"S{n}", "address": address}).json()[
            "id"
        ]
        for n in range(sites)
    ]
    return supplier_id, site_ids


def csv_rows(site_ids: list[str], rows: int, broken: dict[int, tuple[str, str]]) -> bytes:
    """`rows` plausible supplier-site-years; `broken` maps a row number to (bad value, its column)."""
    columns = HEADER.split(",")
    lines = [HEADER]
    for number in range(1, rows + 1):
        site, year = site_ids[(number - 1) % len(site_ids)], 2001 + (number - 1) // len(site_ids)
        cells = [str(year), site, "120000", "primary", "50000000", "primary_verified", "800", "modelled"]
        if number in broken:
            value, column = broken[number]
            cells[columns.index(column)] = value
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode()


def post_csv(client: TestClient, supplier_id: str, payload: bytes, mode: str):
    return client.post(
        f"/v1/suppliers/{supplier_id}/imports",
        params={"kind": "performance", "mode": mode},
        content=payload,
        headers={"content-type": "text/csv"},
    )


def count(engine: Engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def reported(engine: Engine, supplier_id: str) -> int:
    return count(
        engine, outbox, outbox.c.key == supplier_id, outbox.c.event_type == PerformanceReported.event_type
    )


def finished(client: TestClient, location: str) -> dict:
    assert wait_until(lambda: client.get(location).json()["status"] in ("succeeded", "failed"), timeout_s=240)
    return client.get(location).json()


def test_a_wrong_header_is_refused_naming_the_column(client: TestClient, engine: Engine):
    supplier_id, _ = supplier_with_sites(client, 0)
    payload = b"year,energy_kgce,energy_kgce_tier,energy_kwh_total\n2025,1,primary,3\n"
    response = post_csv(client, supplier_id, payload, "best_effort")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "#/header/energy_kwh_total", "detail": "unknown column; see the documented header"}
    ]
    no_tier = post_csv(client, supplier_id, b"year,energy_kgce\n2025,1\n", "best_effort")
    assert no_tier.json()["errors"][0]["pointer"] == "#/header/energy_kgce"
    assert count(engine, performance_years, performance_years.c.supplier_id == supplier_id) == 0


def test_best_effort_stores_good_rows_and_reports_the_broken_ones(
    client: TestClient, engine: Engine, importer
):
    supplier_id, site_ids = supplier_with_sites(client, 100)
    response = post_csv(client, supplier_id, csv_rows(site_ids, 10_000, BROKEN), "best_effort")
    assert response.status_code == 202, response.text
    assert response.headers["Location"] == f"/v1/imports/{response.json()['id']}"
    job = finished(client, response.headers["Location"])
    assert (job["status"], job["total_rows"], job["processed_rows"]) == ("succeeded", 10_000, 10_000)
    assert job["accepted_rows"] == 9_997
    assert [(e["row"], e["field"]) for e in job["errors"]] == [
        (row, field) for row, (_, field) in BROKEN.items()
    ]
    assert count(engine, performance_years, performance_years.c.supplier_id == supplier_id) == 9_997
    assert reported(engine, supplier_id) == 9_997
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox).where(outbox.c.key == supplier_id).order_by(outbox.c.seq.desc()).limit(50)
        )
        for row in rows:  # decoded exactly as a consumer would, against the contracts
            message = encode(
                event_id=row.event_id, event_type=row.event_type, source=row.source, time=row.created_at,
                key=row.key, data=row.payload, correlation_id=row.correlation_id,
            )  # fmt: skip
            event = decode(kafka_headers(message), message.key, message.value).data
            assert isinstance(event, PerformanceReported)
            assert event.figures["energy_kgce"].tier == "primary"


def test_all_or_nothing_with_one_broken_row_stores_nothing(client: TestClient, engine: Engine, importer):
    supplier_id, site_ids = supplier_with_sites(client, 100)
    outbox_before = count(engine, outbox, outbox.c.key == supplier_id)
    payload = csv_rows(site_ids, 10_000, {7321: ("-", "scope1_tco2e")})
    response = post_csv(client, supplier_id, payload, "all_or_nothing")
    job = finished(client, response.headers["Location"])
    assert job["status"] == "failed"
    assert [(e["row"], e["field"]) for e in job["errors"]] == [(7321, "scope1_tco2e")]
    assert (job["accepted_rows"], job["error_count"]) == (0, 1)
    assert count(engine, performance_years, performance_years.c.supplier_id == supplier_id) == 0
    assert count(engine, outbox, outbox.c.key == supplier_id) == outbox_before


def test_progress_is_visible_and_a_crash_mid_batch_loses_and_duplicates_nothing(
    client: TestClient, engine: Engine, supplier_db_url: str, monkeypatch: pytest.MonkeyPatch
):
    supplier_id, site_ids = supplier_with_sites(client, 100)
    broken = {1500: ("x", "energy_kgce")}
    location = post_csv(client, supplier_id, csv_rows(site_ids, 10_000, broken), "best_effort").headers[
        "Location"
    ]
    runner = ImportRunner(engine, batch_size=1000)
    assert runner.run_once()
    assert runner.run_once()
    job = client.get(location).json()
    assert (job["status"], job["processed_rows"], job["progress_pct"]) == ("running", 2000, 20.0)
    assert job["accepted_rows"] == 1999
    assert [e["row"] for e in job["errors"]] == [1500]

    def crash(*_args, **_kwargs):
        raise RuntimeError("worker died after writing its rows, before committing the batch")

    monkeypatch.setattr(runner, "_update", crash)
    with pytest.raises(BatchFailed):  # rolled back; `run` would count it as a failed attempt
        runner.run_once()
    assert client.get(location).json()["processed_rows"] == 2000
    assert count(engine, performance_years, performance_years.c.supplier_id == supplier_id) == 1999

    env_importer = subprocess.Popen(
        [sys.executable, "-m", "supplier.cli", "importer"],
        env=(os.environ | {"DATABASE_URL": supplier_db_url, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
                           "INTERNAL_TOKEN": "unused", "IMPORT_POLL_INTERVAL_S": "0.2"}),
    )  # fmt: skip
    try:
        job = finished(client, location)
    finally:
        env_importer.send_signal(signal.SIGTERM)
        env_importer.wait(timeout=30)
    assert (job["status"], job["accepted_rows"], job["error_count"]) == ("succeeded", 9_999, 1)
    assert count(engine, performance_years, performance_years.c.supplier_id == supplier_id) == 9_999
    assert reported(engine, supplier_id) == 9_999  # every stored year announced exactly once


def test_json_and_multipart_uploads(client: TestClient, engine: Engine):
    supplier_id, _ = supplier_with_sites(client, 0)
    rows = [{"year": 2020 + n, "energy_kgce": {"value": "5", "tier": "primary"}} for n in range(3)]
    rows.append({"year": 2030, "energy_kgce": {"value": "five", "tier": "primary"}})
    url = f"/v1/suppliers/{supplier_id}/imports"
    response = client.post(url, params={"kind": "performance", "mode": "best_effort"}, json=rows)
    assert response.status_code == 202
    multipart = client.post(
        url,
        params={"kind": "performance"},
        files={"file": ("years.csv", b"year,energy_kgce,energy_kgce_tier\n2019,4,default\n", "text/csv")},
    )
    assert multipart.status_code == 202
    runner = ImportRunner(engine)
    while runner.run_once():
        pass
    json_job = client.get(response.headers["Location"]).json()
    assert json_job["errors"] == [
        {"row": 4, "field": "energy_kgce/value", "detail": json_job["errors"][0]["detail"]}
    ]
    assert client.get(multipart.headers["Location"]).json()["status"] == "succeeded"
    years = [y["year"] for y in client.get(f"/v1/suppliers/{supplier_id}/performance").json()]
    assert years == [2022, 2021, 2020, 2019]
    assert (
        client.post(
            url, params={"kind": "performance"}, content=b"x", headers={"content-type": "text/plain"}
        ).status_code
        == 415
    )
    assert client.get(f"/v1/imports/{uuid.uuid4()}").status_code == 404
