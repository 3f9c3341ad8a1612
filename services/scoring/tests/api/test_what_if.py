"""POST /v1/what-if: the scorecard submitted figures would get, storing nothing.

The scoring app runs over HTTP on a real PostgreSQL (migrated by Alembic), as its lifespan builds an
engine; Kafka is not started (nothing here calls /readyz).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from launcher.paths import free_port
from launcher.postgres import PostgresServer
from launcher.testing import migrated_database
from scoring.api.app import create_app
from scoring.config import Settings
from scoring.domain import ModelInvalid, loader

TOKEN = "what-if-test-token"
RENEWABLE, ENERGY = "renewable_electricity_share_pct", "energy_intensity_kgce_per_10k_cny"
FIGURES = {
    "green_procurement_policy_level": "2",
    "tier1_spend_audited_pct": "80",
    "low_risk_supplier_share_pct": "80",
    "green_material_use_rate_pct": "50",
    "hazardous_substance_declaration_coverage_pct": "100",
    "carbon_intensity_tco2e_per_10k_cny": "0.6",
    "energy_intensity_kgce_per_10k_cny": "200",
    "renewable_electricity_share_pct": "50",
    "water_intensity_m3_per_10k_cny": "8",
    "water_reuse_pct": "85",
    "pollutant_max_pct_of_limit": "40",
    "pcf_spend_coverage_pct": "60",
    "verified_pcf_spend_share_pct": "50",
    "solid_waste_utilisation_pct": "96",
    "recycled_content_pct": "30",
    "product_take_back_pct": "20",
    "packaging_recovery_pct": "50",
    "recovery_system_level": "2",
    "logistics_accounting_level": "3",
    "logistics_intensity_pct_of_lane_baseline": "70",
    "clean_freight_share_pct": "80",
    "load_optimisation_level": "2",
    "disclosure_level": "2",
}
CREDENTIALS = [
    {"id": "GC-1", "type": "green_code", "issued_on": "2025-06-01", "expires_on": "2027-12-31",
     "attributes": {"grade": "A+"}},
    {"id": "GHG-1", "type": "ghg_inventory", "issued_on": "2025-06-01",
     "attributes": {"verification": "third_party"}},
    {"id": "ISO14-1", "type": "iso14001", "issued_on": "2025-06-01", "expires_on": "2027-12-31"},
    {"id": "ISO50-1", "type": "iso50001", "issued_on": "2025-06-01", "expires_on": "2027-12-31"},
    {"id": "CPA-1", "type": "cleaner_production_audit", "issued_on": "2025-06-01"},
    {"id": "EV-1", "type": "ecovadis", "issued_on": "2025-06-01", "attributes": {"medal": "gold"}},
]  # fmt: skip


def body(**changes: Any) -> dict[str, Any]:
    figures = {metric: {"value": value} for metric, value in FIGURES.items()}
    request = {"industry": "C3311", "year": 2025, "as_of": "2026-03-31", "figures": figures}
    return request | {"credentials": CREDENTIALS} | changes


def with_figure(metric: str, value: Any, **extra: Any) -> dict[str, Any]:
    request = body()
    request["figures"][metric] = {"value": value, **extra}
    return request


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    # Not under pytest's basetemp: a concurrent session resets it to 0700, locking out PostgreSQL's user.
    data_dir = Path(tempfile.mkdtemp(prefix="scoring-what-if-pg-"))
    server = PostgresServer(data_dir, port=free_port())
    try:
        server.start()
        yield migrated_database(server, "scoring")
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        kafka_bootstrap_servers=f"127.0.0.1:{free_port()}",  # never contacted
        internal_token=TOKEN,
        greencode_keys_dir=tmp_path_factory.mktemp("keys"),
    )


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {TOKEN}"
        yield client


def test_leading_figures_score_100_with_every_point_explained(client: TestClient) -> None:
    response = client.post("/v1/what-if", json=body())
    assert response.status_code == 200, response.text
    card = response.json()
    assert card["total"] == "100.00"  # decimals travel as strings
    assert card["band"] == "Leading"
    assert card["model_version"] == "2026.1"
    assert card["supplier_id"] == "what-if"
    assert len(card["criteria"]) == 27
    assert all(result["explanation"] for result in card["criteria"])
    r2 = next(result for result in card["criteria"] if result["criterion_id"] == "R2")
    assert "carbon_intensity_tco2e_per_10k_cny 0.6" in r2["explanation"]
    assert "linear 1.5->0.6 [default]" in r2["explanation"]


def test_a_better_figure_shows_what_it_is_worth(client: TestClient) -> None:
    before = client.post("/v1/what-if", json=with_figure("renewable_electricity_share_pct", "10")).json()
    after = client.post("/v1/what-if", json=with_figure("renewable_electricity_share_pct", 35)).json()
    points = {
        name: next(r["points"] for r in card["criteria"] if r["criterion_id"] == "R4")
        for name, card in (("before", before), ("after", after))
    }
    assert points == {"before": "1.00", "after": "3.50"}
    assert float(after["total"]) - float(before["total"]) == pytest.approx(2.5)


def test_industry_rows_and_tiers_apply(client: TestClient) -> None:
    request = with_figure("carbon_intensity_tco2e_per_10k_cny", "0.6", tier="modelled")
    request["industry"] = "C3825"
    card = client.post("/v1/what-if", json=request).json()
    r2 = next(r for r in card["criteria"] if r["criterion_id"] == "R2")
    assert "[C3825]" in r2["explanation"]
    assert "x0.9 (modelled data)" in r2["explanation"]


def test_a_failed_gate_gives_non_compliant(client: TestClient) -> None:
    card = client.post("/v1/what-if", json=body(gates={"permits_valid": False})).json()
    assert card["band"] == "Non-compliant"
    assert any(not gate["passed"] and gate["gate_id"] == "G1" for gate in card["gates"])


def test_a_missing_required_figure_gives_unrated_with_the_reason(client: TestClient) -> None:
    request = body()
    del request["figures"]["solid_waste_utilisation_pct"]
    card = client.post("/v1/what-if", json=request).json()
    assert card["band"] == "Unrated"
    assert card["total"] is None
    assert "solid_waste_utilisation_pct" in card["unrated_reason"]


def test_an_explicit_model_version_is_used(client: TestClient) -> None:
    card = client.post("/v1/what-if", json=body(model_version="2026.1")).json()
    assert card["model_version"] == "2026.1"


def test_an_unknown_model_version_is_a_404_problem(client: TestClient) -> None:
    response = client.post("/v1/what-if", json=body(model_version="2099.9"))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "2099.9" in response.json()["detail"]


@pytest.mark.parametrize(
    ("request_body", "pointer"),
    [
        (with_figure(RENEWABLE, "lots"), f"#/figures/{RENEWABLE}/value"),
        (with_figure(RENEWABLE, "NaN"), f"#/figures/{RENEWABLE}/value"),
        (with_figure(RENEWABLE, "130"), f"#/figures/{RENEWABLE}/value"),
        (with_figure(ENERGY, "-5"), f"#/figures/{ENERGY}/value"),
        (with_figure("renewable_share", "40"), "#/figures/renewable_share"),
        (with_figure("water_reuse_pct", "40", tier="excellent"), "#/figures/water_reuse_pct/tier"),
        (body(industry="3825"), "#/industry"),
        (body(not_applicable=["Z9"]), "#/not_applicable"),
        (body(credentials=[{"id": "X", "type": "iso14001"}]), "#/credentials/0/issued_on"),
        (body(year=2025, as_of="2020-01-01", model_version=None), "#/as_of"),
    ],
)
def test_figures_that_cannot_be_scored_are_a_422_naming_the_field(
    client: TestClient, request_body: dict[str, Any], pointer: str
) -> None:
    response = client.post("/v1/what-if", json=request_body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert pointer in [error["pointer"] for error in response.json()["errors"]]


def test_nothing_is_stored(client: TestClient, database_url: str) -> None:
    engine = create_engine(database_url)
    tables = ("scorecards", "scorecard_history", "outbox")

    def counts() -> dict[str, int]:
        with engine.connect() as conn:
            return {
                table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in tables
            }

    try:
        before = counts()
        assert client.post("/v1/what-if", json=body()).status_code == 200
        assert counts() == before
    finally:
        engine.dispose()


def test_the_service_credential_is_required(client: TestClient) -> None:
    response = client.post("/v1/what-if", json=body(), headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


def test_a_refused_model_file_stops_start_up_naming_the_criterion(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = yaml.safe_load(loader._packaged_text("2026.1"))
    next(c for c in data["criteria"] if c["id"] == "R4")["points"] = 7
    monkeypatch.setattr(loader, "_packaged_text", lambda version: yaml.safe_dump(data))
    with pytest.raises(ModelInvalid, match="R4"), TestClient(create_app(settings)):
        pass
