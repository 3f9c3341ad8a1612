"""Fixtures for the scoring API tests: the real app over a real, migrated PostgreSQL.

- ``scoring_db_url`` (module): a fresh scoring database at Alembic head.
- ``client`` (module): a started TestClient over ``create_app`` on that database, sending the
  internal service credential. Kafka is not started; nothing here calls ``/readyz``.
- ``population`` (module): suppliers scored through the real event handlers, and the yearly
  rescore of 2025 and 2026 run, so every route has data. A ``Population`` names who is who.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from launcher.paths import free_port
from launcher.postgres import PostgresServer
from launcher.testing import migrated_database
from scoring.api.app import create_app
from scoring.config import Settings
from scoring.domain import ModelRegistry
from scoring.service_layer.handlers import handle_event
from scoring.service_layer.rescoring import rescore_year
from shared.contracts import supplier as contracts
from shared.events import Event, EventContract

INTERNAL_TOKEN = "scoring-api-test-token"
TODAY = date(2026, 11, 21)
FIGURES = {
    "value_added_cny": "100000000",
    "scope1_tco2e": "2500",
    "scope2_market_tco2e": "1500",
    "energy_kgce": "1500000",
    "water_intake_m3": "120000",
    "water_reuse_pct": "75",
    "solid_waste_generated_t": "1000",
    "solid_waste_utilised_t": "900",
    "green_material_use_rate_pct": "50",
    "recycled_content_pct": "30",
    "tier1_spend_audited_pct": "80",
    "low_risk_suppliers_pct": "80",
    "rohs_reach_declared_parts_pct": "100",
    "pollutant_cod_pct_of_limit": "40",
    "product_takeback_pct": "20",
    "packaging_recovery_pct": "50",
}
CREDENTIALS = [
    ("iso_14001", {}),
    ("iso_50001", {}),
    ("green_code_grade", {"grade": "A"}),
    ("iso_14064", {"assurance_level": "reasonable"}),
    ("ecovadis", {"medal": "gold"}),
    ("cleaner_production_audit", {}),
]


@dataclass
class Population:
    """Who is who: ranked suppliers per industry, and one that never filed data."""

    c3825: list[uuid.UUID] = field(default_factory=list)
    c3841: list[uuid.UUID] = field(default_factory=list)
    unrated: uuid.UUID = field(default_factory=uuid.uuid4)
    dropped: uuid.UUID = field(default_factory=uuid.uuid4)  # on the 2025 list, no 2026 data


def events_for(supplier_id: uuid.UUID, industry: str, years: dict[int, str]) -> list[EventContract]:
    """Registration, credentials, and a report per year with the given renewable share."""
    events: list[EventContract] = [
        contracts.SupplierRegistered(
            supplier_id=supplier_id, legal_name="API Co", country="CN", industry_code=industry
        )
    ]
    for kind, attributes in CREDENTIALS:
        snapshot = contracts.CredentialSnapshot(
            credential_id=uuid.uuid4(), type=kind, state="verified", issued_on=date(2025, 1, 10),
            expires_on=date(2029, 1, 9), attributes=attributes,
        )  # fmt: skip
        events.append(contracts.CredentialVerified(supplier_id=supplier_id, credential=snapshot))
    for year, renewable in years.items():
        figures = FIGURES | {"renewable_electricity_share_pct": renewable}
        reported = {k: contracts.ReportedFigure(value=Decimal(v), tier="primary") for k, v in figures.items()}
        events.append(contracts.PerformanceReported(supplier_id=supplier_id, year=year, figures=reported))
        events.append(shipment(supplier_id, year))
    return events


def shipment(supplier_id: uuid.UUID, year: int) -> contracts.ShipmentRecorded:
    """Rail freight with primary data, so the logistics group is above the theme floor."""
    tkm, kg = Decimal(10000), Decimal(100)
    leg = contracts.ShipmentLegResult(
        mode="rail", vehicle_class="electric", distance_km=Decimal(1000), mass_t=Decimal(10), tonne_km=tkm,
        intensity_gco2e_per_tkm=Decimal(10), emissions_kgco2e=kg, data_quality_tier="primary",
        factor_version="test", factor_source="carrier",
    )  # fmt: skip
    return contracts.ShipmentRecorded(
        supplier_id=supplier_id, shipment_id=uuid.uuid4(), shipped_on=date(year, 6, 1), year=year,
        tonne_km=tkm, emissions_kgco2e=kg, intensity_gco2e_per_tkm=Decimal(10), data_quality_tier="primary",
        factor_version="test", legs=[leg],
    )  # fmt: skip


def seed(database_url: str) -> Population:
    engine = create_engine(database_url)
    registry = ModelRegistry.from_package()
    people = Population()
    stories: list[tuple[uuid.UUID, str, dict[int, str]]] = []
    for index in range(12):
        supplier_id = uuid.uuid4()
        (people.c3825 if index < 8 else people.c3841).append(supplier_id)
        share = str(index * 4)
        stories.append((supplier_id, "C3825" if index < 8 else "C3841", {2025: share, 2026: share}))
    stories += [(people.unrated, "C3825", {}), (people.dropped, "C3825", {2025: "40"})]
    for supplier_id, industry, years in stories:
        for data in events_for(supplier_id, industry, years):
            event = Event(uuid.uuid4(), data.event_type, "/test", datetime.now(UTC), None, data)
            handle_event(event, engine=engine, registry=registry, today=lambda: TODAY)
    rescore_year(year=2025, engine=engine, today=TODAY)
    rescore_year(year=2026, engine=engine, today=TODAY)
    engine.dispose()
    return people


@pytest.fixture(scope="session")
def scoring_api_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    server = PostgresServer(tmp_path_factory.mktemp("scoring-api-pg"), port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def scoring_db_url(scoring_api_postgres: PostgresServer) -> str:
    return migrated_database(scoring_api_postgres, "scoring")


@pytest.fixture(scope="module")
def population(scoring_db_url: str) -> Population:
    return seed(scoring_db_url)


@pytest.fixture(scope="module")
def client(scoring_db_url: str) -> Iterator[TestClient]:
    settings = Settings(
        database_url=scoring_db_url,
        kafka_bootstrap_servers=f"127.0.0.1:{free_port()}",
        internal_token=INTERNAL_TOKEN,
    )
    headers = {"Authorization": f"Bearer {INTERNAL_TOKEN}"}
    with TestClient(create_app(settings), headers=headers) as client:
        yield client
