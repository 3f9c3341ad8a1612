"""Shared fixtures for the pure scoring domain: the packaged model and a facts builder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from scoring.domain import (
    Credential,
    CredentialState,
    CriteriaModel,
    Figure,
    GateInputs,
    SupplierYearFacts,
    Tier,
    load_packaged_model,
)

AS_OF = date(2026, 3, 31)

# A supplier at every leading value (default industry rows): it scores 100.
PERFECT_FIGURES: dict[str, str] = {
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


def credential(
    cid: str, kind: str, *, expires: date | None = date(2027, 12, 31), **attributes: str
) -> Credential:
    return Credential(
        id=cid,
        type=kind,
        state=CredentialState.VERIFIED,
        issued_on=date(2025, 6, 1),
        expires_on=expires,
        attributes=attributes,
    )


PERFECT_CREDENTIALS = (
    credential("GC-1", "green_code", grade="A+"),
    credential("GHG-1", "ghg_inventory", verification="third_party"),
    credential("ISO14-1", "iso14001"),
    credential("ISO50-1", "iso50001"),
    credential("CPA-1", "cleaner_production_audit", expires=None),
    credential("EV-1", "ecovadis", medal="gold"),
)


def make_facts(
    figures: dict[str, str] | None = None,
    *,
    tiers: dict[str, Tier] | None = None,
    credentials: tuple[Credential, ...] = PERFECT_CREDENTIALS,
    gates: dict[str, Any] | None = None,
    **fields: Any,
) -> SupplierYearFacts:
    """Facts for supplier S1 in C3311 (default rows), 2025, as of 2026-03-31; override any part."""
    values = PERFECT_FIGURES if figures is None else figures
    tiers = tiers or {}
    return SupplierYearFacts(
        supplier_id=fields.pop("supplier_id", "S1"),
        industry=fields.pop("industry", "C3311"),
        year=fields.pop("year", 2025),
        as_of=fields.pop("as_of", AS_OF),
        figures={k: Figure(value=Decimal(v), tier=tiers.get(k, Tier.PRIMARY)) for k, v in values.items()},
        credentials=credentials,
        gates=GateInputs(**{"permits_valid": True, **(gates or {})}),
        **fields,
    )


@pytest.fixture(scope="session")
def model() -> CriteriaModel:
    return load_packaged_model("2026.1")


@pytest.fixture(scope="session")
def facts_builder() -> Callable[..., SupplierYearFacts]:
    return make_facts


@pytest.fixture(scope="session")
def make_credential() -> Callable[..., Credential]:
    return credential


@pytest.fixture(scope="session")
def perfect_figures() -> dict[str, str]:
    return dict(PERFECT_FIGURES)
