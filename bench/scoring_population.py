"""A seeded synthetic population of suppliers for the scoring benchmarks.

`generate(n, seed=...)` yields `SupplierYearFacts` for n suppliers across 20 GB/T 4754 industry
classes, with figure distributions shaped per industry (heavy industry is more carbon-, energy- and
water-intensive), a data-quality tier per figure, credentials in every state, and the irregular
cases the yearly cycle must handle: years not filed, years flagged abnormal, implausible figures,
missing must-have figures, failed gates and not-applicable criteria. The same seed always gives the
same population, so runs compare.

    uv run python bench/scoring_population.py --suppliers 5 --seed 7    # print a sample as JSON
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from scoring.domain import Credential, CredentialState, Figure, GateInputs, SupplierYearFacts, Tier


@dataclass(frozen=True)
class Industry:
    """A GB/T 4754 class with its share of suppliers and how intensive its processes are."""

    code: str
    weight: float
    carbon: float  # median tCO2e per 10k CNY value added
    energy: float  # median kgce per 10k CNY value added
    water: float  # median m3 per 10k CNY value added


INDUSTRIES = (
    Industry("C1713", 4, 1.1, 420, 38),  # cotton printing and dyeing
    Industry("C2221", 3, 1.6, 560, 45),  # machine-made paper
    Industry("C2614", 4, 1.9, 640, 30),  # organic chemical raw materials
    Industry("C2651", 3, 1.4, 480, 22),  # primary plastics
    Industry("C2927", 6, 0.7, 260, 9),  # daily-use plastic products
    Industry("C3041", 2, 2.4, 800, 12),  # flat glass
    Industry("C3130", 3, 2.8, 900, 18),  # steel rolling
    Industry("C3311", 7, 0.8, 300, 10),  # structural metal products
    Industry("C3340", 5, 0.7, 280, 9),  # metal wire and products
    Industry("C3441", 5, 0.5, 210, 7),  # pumps and vacuum equipment
    Industry("C3611", 3, 0.45, 180, 8),  # complete automobiles
    Industry("C3670", 9, 0.55, 220, 9),  # automobile parts
    Industry("C3825", 6, 0.6, 240, 14),  # photovoltaic equipment and components
    Industry("C3841", 6, 0.5, 190, 11),  # lithium-ion batteries
    Industry("C3851", 4, 0.5, 200, 7),  # household refrigerators
    Industry("C3951", 3, 0.4, 170, 6),  # television sets
    Industry("C3971", 6, 0.45, 190, 12),  # electronic components
    Industry("C3982", 8, 0.6, 230, 16),  # electronic circuits
    Industry("C4011", 3, 0.3, 130, 5),  # industrial instruments
    Industry("C2438", 10, 0.65, 240, 8),  # other handicrafts
)

TIERS = (Tier.PRIMARY, Tier.PRIMARY_VERIFIED, Tier.MODELLED, Tier.DEFAULT)
TIER_WEIGHTS = (55, 25, 15, 5)
REQUIRED_METRICS = (
    "carbon_intensity_tco2e_per_10k_cny",
    "energy_intensity_kgce_per_10k_cny",
    "renewable_electricity_share_pct",
    "solid_waste_utilisation_pct",
)
NOT_APPLICABLE_SHARE = {"R7": 0.10, "C3": 0.20, "C4": 0.05, "L2": 0.05, "M4": 0.08}
LEVELS = {"national": 30, "provincial": 45, "municipal": 25}
STATES = (
    CredentialState.VERIFIED,
    CredentialState.SUBMITTED,
    CredentialState.EXPIRED,
    CredentialState.REJECTED,
)
STATE_WEIGHTS = (88, 6, 3, 3)
YEARLY = frozenset({"ghg_inventory", "ecovadis", "cdp_climate"})


class _Draw:
    """One supplier's random draws, with helpers for the distributions used."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pct(self, a: float, b: float) -> float:
        return 100 * self.rng.betavariate(a, b)

    def lognormal(self, median: float, sigma: float = 0.35) -> float:
        return median * self.rng.lognormvariate(0, sigma)

    def level(self, weights: tuple[int, ...]) -> int:
        return self.rng.choices(range(len(weights)), weights)[0]

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability


def _raw_figures(draw: _Draw, industry: Industry, maturity: float) -> dict[str, float]:
    """Every metric of model 2026.1, drawn around the industry's typical values."""
    good = 1 + 4 * maturity
    return {
        "green_procurement_policy_level": draw.level((15, 45, 40)),
        "tier1_spend_audited_pct": draw.pct(1.5 * good, 2),
        "low_risk_supplier_share_pct": draw.pct(2 * good, 2),
        "green_material_use_rate_pct": draw.pct(1.2 * good, 2.5),
        "hazardous_substance_declaration_coverage_pct": draw.pct(4 * good, 1),
        "carbon_intensity_tco2e_per_10k_cny": draw.lognormal(industry.carbon * (1.4 - 0.8 * maturity)),
        "energy_intensity_kgce_per_10k_cny": draw.lognormal(industry.energy * (1.4 - 0.8 * maturity)),
        "renewable_electricity_share_pct": draw.pct(0.8 * good, 4),
        "water_intensity_m3_per_10k_cny": draw.lognormal(industry.water * (1.4 - 0.8 * maturity)),
        "water_reuse_pct": draw.pct(3 * good, 2),
        "pollutant_max_pct_of_limit": min(draw.lognormal(45 / good, 0.4), 99.0),
        "pcf_spend_coverage_pct": draw.pct(0.5 * good, 3),
        "verified_pcf_spend_share_pct": draw.pct(0.4 * good, 3),
        "solid_waste_utilisation_pct": draw.pct(6 * good, 1.2),
        "recycled_content_pct": draw.pct(1 * good, 5),
        "product_take_back_pct": draw.pct(0.6 * good, 6),
        "packaging_recovery_pct": draw.pct(1.2 * good, 3),
        "recovery_system_level": draw.level((20, 40, 40)),
        "logistics_accounting_level": draw.level((15, 30, 35, 20)),
        "logistics_intensity_pct_of_lane_baseline": draw.lognormal(95 / (0.7 + 0.3 * good), 0.15),
        "clean_freight_share_pct": draw.pct(0.8 * good, 3),
        "load_optimisation_level": draw.level((15, 45, 40)),
        "disclosure_level": draw.level((15, 45, 40)),
    }


def _figures(
    draw: _Draw, industry: Industry, year: int, maturity: float
) -> tuple[dict[str, Figure], list[str]]:
    """The filed figures, with some optional ones left out; and why the year is abnormal, if it is."""
    figures: dict[str, Figure] = {}
    for metric, value in _raw_figures(draw, industry, maturity).items():
        if metric not in REQUIRED_METRICS and draw.chance(0.08):
            continue  # optional figures are often not reported
        period_end = date(year - 2, 12, 31) if draw.chance(0.03) else None  # re-filed old, stale figure
        tier = draw.rng.choices(TIERS, TIER_WEIGHTS)[0]
        figures[metric] = Figure(value=Decimal(f"{value:.2f}"), tier=tier, period_end=period_end)
    abnormal: list[str] = []
    roll = draw.rng.random()
    if roll < 0.02:  # a must-have figure missing: Unrated
        del figures[draw.rng.choice(REQUIRED_METRICS)]
    elif roll < 0.03:  # an implausible share: Unrated
        figures["renewable_electricity_share_pct"] = Figure(value=Decimal("130"), tier=Tier.PRIMARY)
    elif roll < 0.05:  # flagged by the supplier service (e.g. intensity far outside the industry's range)
        abnormal.append("carbon intensity 12x the industry median")
    elif roll < 0.055:  # pollutants over the permit: gate G1 fails
        figures["pollutant_max_pct_of_limit"] = Figure(value=Decimal("118.5"), tier=Tier.PRIMARY)
    return figures, abnormal


def _credential(draw: _Draw, supplier: uuid.UUID, kind: str, as_of: date, **attributes: str) -> Credential:
    # Inventories and ratings are renewed every year, certificates every three.
    oldest = 420 if kind in YEARLY else 1000
    issued = as_of - timedelta(days=draw.rng.randint(20, oldest))
    expires = None if kind == "cleaner_production_audit" else issued + timedelta(days=3 * 365)
    return Credential(
        id=f"{kind}-{supplier.hex[:12]}-{draw.rng.randint(1, 9999)}",
        type=kind,
        state=draw.rng.choices(STATES, STATE_WEIGHTS)[0],
        issued_on=issued,
        expires_on=expires,
        attributes=attributes,
    )


def _credentials(draw: _Draw, supplier: uuid.UUID, as_of: date, maturity: float) -> tuple[Credential, ...]:
    found: list[Credential] = []

    def maybe(probability: float, kind: str, **attributes: str) -> None:
        if draw.chance(probability * (0.4 + maturity)):
            found.append(_credential(draw, supplier, kind, as_of, **attributes))

    level = draw.rng.choices(list(LEVELS), list(LEVELS.values()))[0]
    maybe(0.45, "green_factory", level=level)
    if found and level == "national":
        maybe(0.6, "green_code", grade=draw.rng.choices(["A+", "A", "B"], [5, 35, 60])[0])
    maybe(0.05, "gscm_enterprise", level=level)
    maybe(0.75, "ghg_inventory", verification=draw.rng.choice(["self_declared", "third_party"]))
    maybe(0.70, "iso14001")
    maybe(0.45, "iso50001")
    maybe(0.55, "cleaner_production_audit")
    maybe(0.25, "ecovadis", medal=draw.rng.choice(["platinum", "gold", "silver", "bronze"]))
    maybe(0.20, "cdp_climate", score=draw.rng.choice(["A", "A-", "B", "B-", "C", "C-", "D"]))
    return tuple(found)


def _gates(draw: _Draw, as_of: date, filed: bool, abnormal: list[str]) -> GateInputs:
    incident = as_of - timedelta(days=draw.rng.randint(30, 2000)) if draw.chance(0.03) else None
    ban = as_of + timedelta(days=draw.rng.randint(1, 365)) if draw.chance(0.003) else None
    return GateInputs(
        permits_valid=not draw.chance(0.01),
        last_major_incident_on=incident,
        falsified_data_ban_until=ban,
        data_filed=filed,
        abnormal=bool(abnormal),
        abnormal_reasons=tuple(abnormal),
    )


def _supplier(rng: random.Random, year: int, as_of: date) -> SupplierYearFacts:
    draw = _Draw(rng)
    industry = rng.choices(INDUSTRIES, [i.weight for i in INDUSTRIES])[0]
    supplier = uuid.UUID(int=rng.getrandbits(128), version=4)
    # One latent factor: mature suppliers do better everywhere, so totals spread as in real lists.
    maturity = rng.betavariate(2.2, 1.4)
    filed = not draw.chance(0.03)
    figures, abnormal = _figures(draw, industry, year, maturity) if filed else ({}, [])
    return SupplierYearFacts(
        supplier_id=str(supplier),
        industry=industry.code,
        year=year,
        as_of=as_of,
        figures=figures,
        credentials=_credentials(draw, supplier, as_of, maturity),
        gates=_gates(draw, as_of, filed, abnormal),
        not_applicable=frozenset(c for c, share in NOT_APPLICABLE_SHARE.items() if draw.chance(share)),
    )


def generate(
    n: int, *, seed: int = 2026, year: int = 2025, as_of: date | None = None
) -> Iterator[SupplierYearFacts]:
    """n suppliers' facts for ``year``, scored as of ``as_of`` (default: 31 March of the next year)."""
    rng = random.Random(seed)
    as_of = as_of or date(year + 1, 3, 31)
    for _ in range(n):
        yield _supplier(rng, year, as_of)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suppliers", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    for facts in generate(args.suppliers, seed=args.seed, year=args.year):
        print(json.dumps(facts.model_dump(mode="json"), indent=1))


if __name__ == "__main__":
    main()
