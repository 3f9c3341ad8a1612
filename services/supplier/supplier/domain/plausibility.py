"""Plausibility of a year of performance data: reasons that make the year *abnormal*.

An abnormal year is stored and flagged, never rejected (the green code likewise
issues no code for abnormal data, DOMAIN.md §6 gate G4). Checks:

- no figure is negative;
- every ``*_pct`` share lies within 0-100 (pollutants as % of their permitted limit
  may exceed 100: that is a permit breach for gate G1, not a data error);
- solid waste utilised does not exceed solid waste generated;
- energy and carbon intensity per 10k CNY value added lie within the industry's
  plausible range (``far outside`` catches unit slips such as kgce entered as tce).

The range table is configuration: :data:`DEFAULT_RANGES` is a PROPOSAL with
deliberately wide bands, order-of-magnitude only (park reference values are ≤ 0.35
tce and ≤ 0.6 tCO2 per 10k CNY, research/criteria.md §5.2).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator

from supplier.domain.performance import YearlyPerformance

_HUNDRED = Decimal(100)
_SHARES_ABOVE_100_ALLOWED = frozenset({"pollutants_pct_of_limit"})


@dataclass(frozen=True, slots=True)
class Anomaly:
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class IntensityRange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    low: Decimal
    high: Decimal

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not 0 <= self.low < self.high:
            raise ValueError(f"need 0 <= low < high, got {self.low}..{self.high}")
        return self

    def contains(self, value: Decimal) -> bool:
        return self.low <= value <= self.high


class IndustryRanges(BaseModel):
    """Plausible intensities per 10k CNY of value added; None disables that check."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    energy_tce_per_10k_cny: IntensityRange | None = None
    carbon_tco2e_per_10k_cny: IntensityRange | None = None


class PlausibilityRanges(BaseModel):
    """Ranges by GB/T 4754 code prefix (``"C31"``, ``"C3825"``), with a default row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    default: IndustryRanges
    by_industry: dict[str, IndustryRanges] = {}

    def for_industry(self, industry_code: str | None) -> IndustryRanges:
        """The row of the longest prefix of ``industry_code``, else the default row."""
        code = (industry_code or "").upper()
        for length in range(len(code), 0, -1):
            row = self.by_industry.get(code[:length])
            if row is not None:
                return row
        return self.default


def _band(low: str, high: str) -> IntensityRange:
    return IntensityRange(low=Decimal(low), high=Decimal(high))


DEFAULT_RANGES = PlausibilityRanges(
    version="2026.1-proposal",
    default=IndustryRanges(
        energy_tce_per_10k_cny=_band("0.005", "20"),
        carbon_tco2e_per_10k_cny=_band("0.01", "50"),
    ),
    by_industry={
        # Ferrous metal smelting and rolling: energy-intensive.
        "C31": IndustryRanges(
            energy_tce_per_10k_cny=_band("0.3", "30"),
            carbon_tco2e_per_10k_cny=_band("0.8", "80"),
        ),
        # Computers, communication and other electronic equipment: light assembly.
        "C39": IndustryRanges(
            energy_tce_per_10k_cny=_band("0.001", "2"),
            carbon_tco2e_per_10k_cny=_band("0.002", "5"),
        ),
    },
)


def check_plausibility(
    performance: YearlyPerformance,
    *,
    industry_code: str | None = None,
    ranges: PlausibilityRanges = DEFAULT_RANGES,
) -> list[Anomaly]:
    """All reasons the year is abnormal; an empty list means plausible."""
    anomalies = _negative_or_out_of_share(performance)
    anomalies += _waste_balance(performance)
    anomalies += _intensities(performance, ranges.for_industry(industry_code))
    return anomalies


def _negative_or_out_of_share(performance: YearlyPerformance) -> list[Anomaly]:
    anomalies = []
    for path, figure in performance.figures():
        field = path.split(".", 1)[0]
        if figure.value < 0:
            anomalies.append(Anomaly(path, f"{figure.value} is negative"))
        elif field.endswith("_pct") and field not in _SHARES_ABOVE_100_ALLOWED and figure.value > _HUNDRED:
            anomalies.append(Anomaly(path, f"{figure.value}% is outside 0-100%"))
    return anomalies


def _waste_balance(performance: YearlyPerformance) -> list[Anomaly]:
    generated, utilised = performance.solid_waste_generated_t, performance.solid_waste_utilised_t
    if generated is None or utilised is None or utilised.value <= generated.value:
        return []
    reason = f"{utilised.value} t utilised exceeds {generated.value} t generated"
    return [Anomaly("solid_waste_utilised_t", reason)]


def _intensities(performance: YearlyPerformance, row: IndustryRanges) -> list[Anomaly]:
    value_added = performance.value_added_cny
    if value_added is None or value_added.value <= 0:
        return []
    per_10k_cny = value_added.value / 10_000
    anomalies = []
    if performance.energy_kgce is not None and row.energy_tce_per_10k_cny is not None:
        energy = performance.energy_kgce.value / 1000 / per_10k_cny
        anomalies += _outside("energy_kgce", energy, "tce per 10k CNY", row.energy_tce_per_10k_cny)
    carbon_t = _scope1_and_2(performance)
    if carbon_t is not None and row.carbon_tco2e_per_10k_cny is not None:
        carbon = carbon_t / per_10k_cny
        anomalies += _outside("scope1_tco2e", carbon, "tCO2e per 10k CNY", row.carbon_tco2e_per_10k_cny)
    return anomalies


def _scope1_and_2(performance: YearlyPerformance) -> Decimal | None:
    """Scope 1 plus location-based scope 2 (market-based if that is all there is)."""
    if performance.scope1_tco2e is None:
        return None
    scope2 = performance.scope2_location_tco2e or performance.scope2_market_tco2e
    return performance.scope1_tco2e.value + (scope2.value if scope2 else Decimal(0))


def _outside(field: str, value: Decimal, unit: str, band: IntensityRange) -> list[Anomaly]:
    if band.contains(value):
        return []
    shown = value.quantize(Decimal("0.0001")) if abs(value) < 10**12 else value
    return [Anomaly(field, f"intensity {shown} {unit} is outside the plausible {band.low}-{band.high}")]
