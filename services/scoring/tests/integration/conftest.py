"""Fixtures for scoring integration tests on a real PostgreSQL (migrated by Alembic).

- ``scoring_engine`` (function scope): an engine on a fresh scoring database at Alembic head, on a
  PostgreSQL server started once per session by the project's launcher.
- ``supplier``: a factory of ``SupplierStory`` objects that build supplier events with the shared
  contracts, for one new supplier each: ``story = supplier("C3825")``; ``story.registered()``,
  ``story.performance(2026, figures)``, ``story.credential("iso_14001", "verified")``, ...
- ``apply_event``: runs an event through the real handler (``handle_event``) on an engine, as the
  consumer would, with a fixed date.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine

from launcher.paths import free_port
from launcher.postgres import PostgresServer
from launcher.testing import migrated_database
from scoring.domain import ModelRegistry
from scoring.service_layer.handlers import handle_event
from shared.contracts import supplier as contracts
from shared.events import Event, EventContract

TODAY = date(2026, 11, 21)
YEAR = 2026
# Absolute figures as the supplier service reports them: a rated, mid-table supplier in C3825.
GOOD_FIGURES: dict[str, str] = {
    "value_added_cny": "100000000",
    "scope1_tco2e": "2500",
    "scope2_market_tco2e": "1500",
    "energy_kgce": "1500000",
    "renewable_electricity_share_pct": "30",
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


class SupplierStory:
    """Events about one supplier, built with the shared contracts."""

    def __init__(self, industry: str) -> None:
        self.supplier_id = uuid.uuid4()
        self.industry = industry

    def registered(self) -> contracts.SupplierRegistered:
        return contracts.SupplierRegistered(
            supplier_id=self.supplier_id, legal_name="Test Co", country="CN", industry_code=self.industry
        )

    def updated(self, version: int, industry: str) -> contracts.SupplierUpdated:
        return contracts.SupplierUpdated(
            supplier_id=self.supplier_id,
            version=version,
            legal_name="Test Co",
            country="CN",
            industry_code=industry,
            changed_fields=["industry_code"],
        )

    def performance(
        self, year: int, figures: dict[str, str] | None = None, *, version: int = 1, **extra: Any
    ) -> contracts.PerformanceReported:
        values = GOOD_FIGURES if figures is None else figures
        reported = {k: contracts.ReportedFigure(value=Decimal(v), tier="primary") for k, v in values.items()}
        return contracts.PerformanceReported(
            supplier_id=self.supplier_id, year=year, version=version, figures=reported, **extra
        )

    def revised(self, year: int, version: int, **figures: str) -> contracts.PerformanceReported:
        """A new version of the year's report: the good figures with some changed."""
        return self.performance(year, {**GOOD_FIGURES, **figures}, version=version)

    def flagged(self, year: int, *, version: int = 1) -> contracts.PerformanceFlaggedAbnormal:
        return contracts.PerformanceFlaggedAbnormal(
            supplier_id=self.supplier_id, year=year, version=version, reasons=["energy_kgce far outside"]
        )

    def shipment(self, year: int) -> contracts.ShipmentRecorded:
        """A rail shipment with primary data: full marks for logistics accounting and clean freight."""
        leg = contracts.ShipmentLegResult(
            mode="rail", vehicle_class="electric", distance_km=Decimal(1000), mass_t=Decimal(10),
            tonne_km=Decimal(10000), intensity_gco2e_per_tkm=Decimal(10), emissions_kgco2e=Decimal(100),
            data_quality_tier="primary", factor_version="test", factor_source="carrier",
        )  # fmt: skip
        return contracts.ShipmentRecorded(
            supplier_id=self.supplier_id, shipment_id=uuid.uuid4(), shipped_on=date(year, 6, 1), year=year,
            tonne_km=Decimal(10000), emissions_kgco2e=Decimal(100), intensity_gco2e_per_tkm=Decimal(10),
            data_quality_tier="primary", factor_version="test", legs=[leg],
        )  # fmt: skip

    def strong(self, year: int, **figures: str) -> list[EventContract]:
        """A Qualified supplier (about 75 points) with every group above the theme floor."""
        return [
            self.registered(),
            self.performance(year, {**GOOD_FIGURES, **figures}),
            self.shipment(year),
            self.credential("iso_14001", "verified"),
            self.credential("iso_50001", "verified"),
            self.credential("green_code_grade", "verified", grade="A"),
            self.credential("iso_14064", "verified", assurance_level="reasonable"),
            self.credential("ecovadis", "verified", medal="gold"),
            self.credential("cleaner_production_audit", "verified"),
        ]

    def credential(
        self,
        kind: str,
        state: str,
        *,
        credential_id: uuid.UUID | None = None,
        version: int = 1,
        **attributes: str,
    ) -> EventContract:
        snapshot = contracts.CredentialSnapshot(
            credential_id=credential_id or uuid.uuid4(),
            type=kind,
            state=state,
            issued_on=date(2026, 1, 10),
            expires_on=date(2029, 1, 9),
            attributes=attributes,
            version=version,
        )
        by_state: dict[str, type[EventContract]] = {
            "submitted": contracts.CredentialSubmitted,
            "verified": contracts.CredentialVerified,
            "revoked": contracts.CredentialRevoked,
            "expired": contracts.CredentialExpired,
        }
        return by_state[state](supplier_id=self.supplier_id, credential=snapshot)


def as_event(data: EventContract, event_id: uuid.UUID | None = None) -> Event:
    return Event(
        id=event_id or uuid.uuid4(),
        type=data.event_type,
        source="/test",
        time=datetime.now(UTC),
        correlation_id=None,
        data=data,
    )


@pytest.fixture(scope="session")
def scoring_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    server = PostgresServer(tmp_path_factory.mktemp("scoring-pg"), port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def scoring_engine(scoring_postgres: PostgresServer) -> Iterator[Engine]:
    engine = create_engine(migrated_database(scoring_postgres, "scoring"))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def registry() -> ModelRegistry:
    return ModelRegistry.from_package()


@pytest.fixture
def supplier() -> Callable[[str], SupplierStory]:
    return SupplierStory


@pytest.fixture
def apply_event(registry: ModelRegistry) -> Callable[..., None]:
    def apply(engine: Engine, data: EventContract, event_id: uuid.UUID | None = None) -> None:
        handler = partial(handle_event, engine=engine, registry=registry, today=lambda: TODAY)
        handler(as_event(data, event_id))

    return apply
