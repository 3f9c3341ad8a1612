"""GET /v1/models and /v1/models/{version}: the criteria-model catalogue.

The scoring app runs over HTTP on a real PostgreSQL (migrated by Alembic), as its lifespan builds an
engine; Kafka is not started (nothing here calls /readyz).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from launcher.paths import free_port
from launcher.postgres import PostgresServer
from launcher.testing import migrated_database
from scoring.api.app import create_app
from scoring.config import Settings
from scoring.domain import load_packaged_model, packaged_versions

TOKEN = "models-test-token"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    # Not under pytest's basetemp: a concurrent session resets it to 0700, locking out PostgreSQL's user.
    data_dir = Path(tempfile.mkdtemp(prefix="scoring-models-pg-"))
    server = PostgresServer(data_dir, port=free_port())
    try:
        server.start()
        settings = Settings(
            database_url=migrated_database(server, "scoring"),
            kafka_bootstrap_servers=f"127.0.0.1:{free_port()}",  # never contacted
            internal_token=TOKEN,
            greencode_keys_dir=tmp_path_factory.mktemp("keys"),
        )
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            client.headers["Authorization"] = f"Bearer {TOKEN}"
            yield client
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def criterion(detail: dict[str, Any], criterion_id: str) -> dict[str, Any]:
    return next(c for group in detail["groups"] for c in group["criteria"] if c["id"] == criterion_id)


def test_the_list_names_every_packaged_version_and_the_default(client: TestClient) -> None:
    response = client.get("/v1/models")
    assert response.status_code == 200
    listed = response.json()
    assert [v["version"] for v in listed["versions"]] == list(packaged_versions())
    assert listed["default"] == "2026.1"
    assert listed["versions"][0]["effective_from"] == "2026-01-01"


def test_a_version_describes_every_criterion(client: TestClient) -> None:
    detail = client.get("/v1/models/2026.1").json()
    model = load_packaged_model("2026.1")
    assert [g["id"] for g in detail["groups"]] == [g.id for g in model.groups]
    assert sum(Decimal(g["points"]) for g in detail["groups"]) == 100
    ids = [c["id"] for g in detail["groups"] for c in g["criteria"]]
    assert sorted(ids) == sorted(c.id for c in model.criteria)
    r2 = criterion(detail, "R2")
    assert r2["evidence"] == {"required": "performance", "max_age_months": 24}
    assert r2["missing"] == "unrated"
    assert r2["not_applicable"] == "redistribute_within_group"
    (measure,) = r2["measures"]
    assert measure["metric"] == "carbon_intensity_tco2e_per_10k_cny"
    assert measure["direction"] == "lower_better"
    assert measure["method"] == "linear"
    assert measure["points"] == "6"
    assert measure["baselines"]["default"] == {"baseline": "1.5", "leading": "0.6"}
    assert measure["baselines"]["C3825"] == {"baseline": "0.9", "leading": "0.35"}


def test_step_categorical_and_boolean_criteria_show_their_scales(client: TestClient) -> None:
    detail = client.get("/v1/models/2026.1").json()
    p4 = criterion(detail, "P4")["measures"][0]
    assert [s["at"] for s in p4["steps"]] == ["30", "40", "50"]
    m1 = criterion(detail, "M1")
    assert m1["evidence"]["required"] == ["green_code", "green_factory", "gscm_enterprise", "green_park"]
    assert m1["measures"][0]["categories"]["green_code.grade"]["A+"] == "6"
    assert criterion(detail, "M2")["measures"][0]["method"] == "boolean"


def test_gates_bands_and_catalogues_are_included(client: TestClient) -> None:
    detail = client.get("/v1/models/2026.1").json()
    assert [g["id"] for g in detail["gates"]] == ["G1", "G2", "G3", "G4", "G5"]
    assert detail["gates"][4]["enabled"] is False
    assert detail["bands"]["qualified_plus"] == "80"
    assert detail["quality_factors"]["modelled"] == "0.9"
    assert detail["metrics"]["renewable_electricity_share_pct"]["max"] == "100"
    assert "A+" in detail["credential_types"]["green_code"]["grade"]


def test_an_industry_resolves_the_row_each_linear_measure_uses(client: TestClient) -> None:
    detail = client.get("/v1/models/2026.1", params={"industry": "C3825"}).json()
    assert detail["industry"] == "C3825"
    assert criterion(detail, "R2")["measures"][0]["applied_row"] == "C3825"
    assert criterion(detail, "P2")["measures"][0]["applied_row"] == "default"
    automobile = client.get("/v1/models/2026.1", params={"industry": "C3670"}).json()
    assert criterion(automobile, "R3")["measures"][0]["applied_row"] == "C36"


def test_an_unknown_version_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/v1/models/2099.9")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "2099.9" in response.json()["detail"]


def test_a_malformed_industry_is_a_422_naming_it(client: TestClient) -> None:
    response = client.get("/v1/models/2026.1", params={"industry": "steel"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/query/industry"
