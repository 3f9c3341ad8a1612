"""Maps read-model rows to the domain's SupplierYearFacts. Pure: no database here.

The supplier service reports absolute figures (energy_kgce, scope1_tco2e, value_added_cny, ...);
the criteria model reads intensities and shares. What no event carries (a green procurement
policy, a disclosure level, load optimisation, a lane baseline for logistics, incidents and
falsified-data bans) stays absent and is scored by the model's missing-data policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scoring.adapters.tables.read_model import WHOLE_COMPANY
from scoring.domain import Credential, CredentialState, Figure, GateInputs, SupplierYearFacts, Tier
from scoring.domain.facts import worst_tier

HUNDRED = Decimal(100)
TEN_THOUSAND = Decimal(10_000)
# Supplier-service figure names that the model reads under another name.
RENAMED = {
    "low_risk_suppliers_pct": "low_risk_supplier_share_pct",
    "rohs_reach_declared_parts_pct": "hazardous_substance_declaration_coverage_pct",
    "product_takeback_pct": "product_take_back_pct",
}
# Supplier-service credential types -> the model's credential types.
CREDENTIAL_TYPES = {
    "green_code_grade": "green_code",
    "green_factory": "green_factory",
    "gscm_enterprise": "gscm_enterprise",
    "green_park": "green_park",
    "iso_14001": "iso14001",
    "iso_50001": "iso50001",
    "iso_14064": "ghg_inventory",
    "cleaner_production_audit": "cleaner_production_audit",
    "ecovadis": "ecovadis",
    "cdp": "cdp_climate",
}
PERMIT_TYPES = frozenset({"pollutant_permit", "eia_approval"})


@dataclass(frozen=True)
class PerformanceRow:
    site_key: str
    version: int
    figures: Mapping[str, Mapping[str, str]]
    abnormal: bool
    abnormal_reasons: tuple[str, ...]


@dataclass(frozen=True)
class CredentialRow:
    id: str
    type: str
    state: str
    issued_on: date | None
    expires_on: date | None
    attributes: Mapping[str, str]


@dataclass(frozen=True)
class ShipmentYear:
    tonne_km: Decimal
    clean_tonne_km: Decimal
    primary_tonne_km: Decimal
    modelled_tonne_km: Decimal


@dataclass(frozen=True)
class FootprintRow:
    id: str
    verified: bool
    active: bool


@dataclass(frozen=True)
class SupplierRecord:
    """Everything the read model holds about one supplier for one year."""

    supplier_id: str
    industry: str
    year: int
    performance: tuple[PerformanceRow, ...] = ()
    credentials: tuple[CredentialRow, ...] = ()
    footprints: tuple[FootprintRow, ...] = ()
    shipments: ShipmentYear | None = None


def to_facts(record: SupplierRecord, *, as_of: date) -> SupplierYearFacts:
    report = combined_report(record.performance)
    figures = model_figures(report, record.year) if report else {}
    figures |= footprint_figures(record.footprints)
    figures |= logistics_figures(record.shipments)
    return SupplierYearFacts(
        supplier_id=record.supplier_id,
        industry=record.industry,
        year=record.year,
        as_of=as_of,
        figures=figures,
        credentials=tuple(c for row in record.credentials if (c := to_credential(row)) is not None),
        gates=GateInputs(
            permits_valid=permits_valid(record.credentials, as_of),
            data_filed=report is not None,
            abnormal=bool(report and report.abnormal),
            abnormal_reasons=report.abnormal_reasons if report else (),
        ),
    )


def combined_report(rows: Iterable[PerformanceRow]) -> PerformanceRow | None:
    """The whole-company report when there is one, else the sites' reports added up.

    Absolute figures add; shares and levels take the weakest site (no weights are reported).
    """
    rows = sorted(rows, key=lambda r: r.site_key)
    if not rows:
        return None
    whole = next((r for r in rows if r.site_key == WHOLE_COMPANY), None)
    if whole is not None or len(rows) == 1:
        return whole or rows[0]
    figures: dict[str, dict[str, str]] = {}
    for row in rows:
        for name, fig in row.figures.items():
            figures[name] = _merge(name, figures.get(name), fig)
    reasons = tuple(reason for row in rows for reason in row.abnormal_reasons)
    return PerformanceRow(
        "sites", max(r.version for r in rows), figures, any(r.abnormal for r in rows), reasons
    )


def _merge(name: str, known: Mapping[str, str] | None, new: Mapping[str, str]) -> dict[str, str]:
    if known is None:
        return dict(new)
    tier = worst_tier([Tier(known["tier"]), Tier(new["tier"])]).value
    a, b = Decimal(known["value"]), Decimal(new["value"])
    additive = not (name.endswith("_pct") or name.endswith("_level") or "_pct_of_limit" in name)
    value = a + b if additive else min(a, b)
    return {"value": str(value), "tier": tier}


def model_figures(report: PerformanceRow, year: int) -> dict[str, Figure]:
    raw = {name: (Decimal(f["value"]), Tier(f["tier"])) for name, f in report.figures.items()}
    evidence = f"performance/{year}/v{report.version}"
    out: dict[str, Figure] = {}
    for name, (value, tier) in raw.items():
        target = RENAMED.get(name, name)
        out[target] = Figure(value=value, tier=tier, evidence_id=f"{evidence}#{name}")
    for metric, derived in _derived(raw).items():
        value, tier, sources = derived
        out[metric] = Figure(value=value, tier=tier, evidence_id=f"{evidence}#{'+'.join(sources)}")
    return out


Raw = dict[str, tuple[Decimal, Tier]]


def _derived(raw: Raw) -> dict[str, tuple[Decimal, Tier, list[str]]]:
    out: dict[str, tuple[Decimal, Tier, list[str]]] = {}
    value_added = raw.get("value_added_cny")
    if value_added and value_added[0] > 0:
        scope2 = "scope2_market_tco2e" if "scope2_market_tco2e" in raw else "scope2_location_tco2e"
        for metric, parts in (
            ("carbon_intensity_tco2e_per_10k_cny", ["scope1_tco2e", scope2]),
            ("energy_intensity_kgce_per_10k_cny", ["energy_kgce"]),
            ("water_intensity_m3_per_10k_cny", ["water_intake_m3"]),
        ):
            present = [p for p in parts if p in raw]
            if present and parts[0] in raw:
                amount = sum((raw[p][0] for p in present), start=Decimal(0))
                tier = worst_tier([raw[p][1] for p in [*present, "value_added_cny"]])
                out[metric] = (amount * TEN_THOUSAND / value_added[0], tier, [*present, "value_added_cny"])
    generated, utilised = raw.get("solid_waste_generated_t"), raw.get("solid_waste_utilised_t")
    if generated and utilised and generated[0] > 0:
        tier = worst_tier([generated[1], utilised[1]])
        sources = ["solid_waste_utilised_t", "solid_waste_generated_t"]
        out["solid_waste_utilisation_pct"] = (utilised[0] * HUNDRED / generated[0], tier, sources)
    pollutants = {n: v for n, v in raw.items() if _is_pollutant(n)}
    if pollutants:
        worst = max(sorted(pollutants), key=lambda n: pollutants[n][0])
        out["pollutant_max_pct_of_limit"] = (pollutants[worst][0], pollutants[worst][1], [worst])
    return out


def _is_pollutant(name: str) -> bool:
    return (name.startswith("pollutant_") and name.endswith("_pct_of_limit")) or name.startswith(
        "pollutants_pct_of_limit."
    )


def footprint_figures(footprints: Iterable[FootprintRow]) -> dict[str, Figure]:
    """Product footprints as R7's shares. Events carry no spend, so shares count footprints."""
    active = sorted((f for f in footprints if f.active), key=lambda f: f.id)
    if not active:
        return {}
    verified = [f for f in active if f.verified]
    ids = "+".join(f.id for f in active)
    share = Decimal(len(verified)) * HUNDRED / len(active)
    return {
        "pcf_spend_coverage_pct": Figure(value=HUNDRED, tier=Tier.PRIMARY, evidence_id=f"footprints#{ids}"),
        "verified_pcf_spend_share_pct": Figure(
            value=share, tier=Tier.PRIMARY, evidence_id=f"footprints#{ids}"
        ),
    }


def logistics_figures(year: ShipmentYear | None) -> dict[str, Figure]:
    """L1 (accounting tier) and L3 (clean-freight share) from the year's shipments, by tonne-km."""
    if year is None or year.tonne_km <= 0:
        return {}
    primary = year.primary_tonne_km / year.tonne_km
    level = (
        3
        if primary >= Decimal("0.5")
        else 2
        if primary + year.modelled_tonne_km / year.tonne_km >= Decimal("0.5")
        else 1
    )
    clean = year.clean_tonne_km * HUNDRED / year.tonne_km
    return {
        "logistics_accounting_level": Figure(
            value=Decimal(level), tier=Tier.PRIMARY, evidence_id="shipments"
        ),
        "clean_freight_share_pct": Figure(value=clean, tier=Tier.PRIMARY, evidence_id="shipments"),
    }


def to_credential(row: CredentialRow) -> Credential | None:
    """The model's view of a credential; None for types the model does not read or without a date."""
    kind = CREDENTIAL_TYPES.get(row.type)
    if kind is None or row.issued_on is None:
        return None
    try:
        state = CredentialState(row.state)
    except ValueError:
        return None
    return Credential(
        id=row.id,
        type=kind,
        state=state,
        issued_on=row.issued_on,
        expires_on=row.expires_on,
        attributes=_attributes(kind, row.attributes),
    )


def _attributes(kind: str, attributes: Mapping[str, str]) -> dict[str, str]:
    values = dict(attributes)
    if kind in {"gscm_enterprise", "green_park"}:
        values.setdefault("level", "national")  # the MIIT lists for these are national
    if kind == "ghg_inventory":
        assured = values.get("assurance_level") or values.get("verification_statement")
        values["verification"] = "third_party" if assured else "self_declared"
    return values


def permits_valid(credentials: Iterable[CredentialRow], as_of: date) -> bool:
    """G1: no permit of a type is known to have lapsed without a valid one of that type.

    Permits never filed are not held against the supplier: no event reports a missing permit.
    """
    by_type: dict[str, list[CredentialRow]] = {}
    for row in credentials:
        if row.type in PERMIT_TYPES:
            by_type.setdefault(row.type, []).append(row)
    for rows in by_type.values():
        lapsed = [r for r in rows if r.state in {"revoked", "expired"} or _expired(r, as_of)]
        valid = [r for r in rows if r.state == "verified" and not _expired(r, as_of)]
        if lapsed and not valid:
            return False
    return True


def _expired(row: CredentialRow, as_of: date) -> bool:
    return row.expires_on is not None and row.expires_on < as_of
