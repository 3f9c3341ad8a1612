"""Logistics emissions per ISO 14083 / GLEC: tonnes x km x intensity, leg by leg.

``emissions_kgco2e = mass_t * distance_km * intensity_gco2e_per_tkm / 1000``

The intensity comes, best first, from:

1. carrier primary data, fuel-based (trip emissions ÷ trip tonne-km): tier ``primary``,
   or ``primary_verified`` when verified;
2. a carrier-supplied intensity (carrier-specific, not measured on this trip): ``modelled``;
3. the versioned default factor table (``supplier/data/glec_factors_<version>.toml``),
   possibly with configured overrides: the row's tier, ``default`` unless an override says
   ``modelled``.

Results are exact Decimals (no rounding here) and record the factor version, the
intensity and source used, and the data-quality tier.
"""

import tomllib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from supplier.domain.errors import SupplierError
from supplier.domain.values import DataQualityTier, DecimalStr, NonEmptyStr, worst_tier

DEFAULT_FACTOR_FILE = "glec_factors_2026.1.toml"
GLOBAL = "GLOBAL"
AVERAGE = "average"

PositiveDecimal = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


Region = Annotated[str, BeforeValidator(_upper), StringConstraints(pattern=r"^([A-Z]{2}|GLOBAL)$")]
"""An ISO 3166-1 alpha-2 code or ``GLOBAL``, case-insensitive on input."""
_FROZEN = ConfigDict(extra="forbid", frozen=True)


class LogisticsError(SupplierError):
    """A leg cannot be calculated."""


class FactorNotFound(LogisticsError):
    def __init__(self, mode: str, vehicle_class: str, region: str) -> None:
        super().__init__(
            f"no default intensity for mode '{mode}', vehicle class '{vehicle_class}' "
            f"(region '{region}', then {GLOBAL}); configure an override or supply carrier data"
        )


class Mode(StrEnum):
    ROAD = "road"
    RAIL = "rail"
    SEA = "sea"
    INLAND_WATERWAY = "inland_waterway"
    AIR = "air"


class FactorRow(BaseModel):
    model_config = _FROZEN

    mode: Mode
    vehicle_class: NonEmptyStr
    region: Region = GLOBAL
    intensity_gco2e_per_tkm: PositiveDecimal
    source: NonEmptyStr
    comment: str = ""
    tier: Literal[DataQualityTier.DEFAULT, DataQualityTier.MODELLED] = DataQualityTier.DEFAULT

    @property
    def key(self) -> tuple[Mode, str, str]:
        return self.mode, self.vehicle_class, self.region


class FactorTable(BaseModel):
    """A versioned, region-aware table of WTW intensities in gCO2e per tonne-km."""

    model_config = _FROZEN

    version: NonEmptyStr
    unit: Literal["gCO2e/tkm"]
    basis: Literal["WTW"]
    factors: tuple[FactorRow, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_keys(self) -> Self:
        keys = [row.key for row in self.factors]
        duplicates = sorted({":".join(key) for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"duplicate factor rows: {', '.join(duplicates)}")
        return self

    def lookup(self, mode: Mode, vehicle_class: str, region: str = GLOBAL) -> FactorRow:
        """The row for the region, else its GLOBAL row; :class:`FactorNotFound` otherwise."""
        rows = {row.key: row for row in self.factors}
        for candidate in (region.upper(), GLOBAL):
            row = rows.get((mode, vehicle_class, candidate))
            if row is not None:
                return row
        raise FactorNotFound(mode, vehicle_class, region)

    def with_overrides(self, overrides: Iterable[FactorRow], *, label: str) -> "FactorTable":
        """A new table where ``overrides`` replace or add rows; its version is ``<version>+<label>``."""
        rows = {row.key: row for row in self.factors}
        rows.update({row.key: row for row in overrides})
        return FactorTable(
            version=f"{self.version}+{label}", unit=self.unit, basis=self.basis, factors=tuple(rows.values())
        )


def parse_factor_table(text: str) -> FactorTable:
    """A factor table from TOML text (see the default file for the layout)."""
    return FactorTable.model_validate(tomllib.loads(text))


def load_factor_table(path: Path | None = None) -> FactorTable:
    """Read a factor table file; by default the packaged ``glec_factors_2026.1.toml``."""
    if path is None:
        text = resources.files("supplier").joinpath("data", DEFAULT_FACTOR_FILE).read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return parse_factor_table(text)


class CarrierIntensity(BaseModel):
    """The carrier's own intensity for this service (e.g. from its GLEC-based report)."""

    model_config = _FROZEN

    kind: Literal["intensity"] = "intensity"
    intensity_gco2e_per_tkm: PositiveDecimal
    source: NonEmptyStr


class CarrierFuelBased(BaseModel):
    """Fuel-based WTW emissions of the whole trip and the trip's total tonne-km (ISO 14083 allocation)."""

    model_config = _FROZEN

    kind: Literal["fuel_based"] = "fuel_based"
    trip_emissions_kgco2e: PositiveDecimal
    trip_tonne_km: PositiveDecimal
    source: NonEmptyStr
    verified: bool = False


CarrierData = Annotated[CarrierIntensity | CarrierFuelBased, Field(discriminator="kind")]


class Leg(BaseModel):
    model_config = _FROZEN

    mode: Mode
    vehicle_class: NonEmptyStr = AVERAGE
    region: Region = GLOBAL
    mass_t: PositiveDecimal
    distance_km: PositiveDecimal
    carrier_data: CarrierData | None = None


class LegEmissions(BaseModel):
    model_config = _FROZEN

    mode: Mode
    vehicle_class: str
    tonne_km: DecimalStr
    intensity_gco2e_per_tkm: DecimalStr
    emissions_kgco2e: DecimalStr
    tier: DataQualityTier
    factor_version: str
    factor_region: str | None
    factor_source: str


class ShipmentEmissions(BaseModel):
    model_config = _FROZEN

    legs: tuple[LegEmissions, ...]
    total_kgco2e: DecimalStr
    total_tonne_km: DecimalStr
    tier: DataQualityTier
    """The worst tier among the legs: a total is only as good as its weakest part."""


def leg_emissions(leg: Leg, table: FactorTable) -> LegEmissions:
    """Emissions of one leg, from carrier data when given, else from ``table``."""
    intensity, tier, version, region, source = _intensity(leg, table)
    tonne_km = leg.mass_t * leg.distance_km
    return LegEmissions(
        mode=leg.mode,
        vehicle_class=leg.vehicle_class,
        tonne_km=tonne_km,
        intensity_gco2e_per_tkm=intensity,
        emissions_kgco2e=tonne_km * intensity / 1000,
        tier=tier,
        factor_version=version,
        factor_region=region,
        factor_source=source,
    )


def shipment_emissions(legs: Sequence[Leg], table: FactorTable) -> ShipmentEmissions:
    """All legs of a shipment and their total; a shipment has at least one leg."""
    if not legs:
        raise LogisticsError("a shipment needs at least one leg")
    results = tuple(leg_emissions(leg, table) for leg in legs)
    return ShipmentEmissions(
        legs=results,
        total_kgco2e=sum((r.emissions_kgco2e for r in results), Decimal(0)),
        total_tonne_km=sum((r.tonne_km for r in results), Decimal(0)),
        tier=worst_tier([r.tier for r in results]),
    )


def _intensity(leg: Leg, table: FactorTable) -> tuple[Decimal, DataQualityTier, str, str | None, str]:
    carrier = leg.carrier_data
    if isinstance(carrier, CarrierFuelBased):
        tier = DataQualityTier.PRIMARY_VERIFIED if carrier.verified else DataQualityTier.PRIMARY
        intensity = carrier.trip_emissions_kgco2e * 1000 / carrier.trip_tonne_km
        return intensity, tier, "carrier:fuel_based", None, carrier.source
    if isinstance(carrier, CarrierIntensity):
        return (
            carrier.intensity_gco2e_per_tkm,
            DataQualityTier.MODELLED,
            "carrier:intensity",
            None,
            carrier.source,
        )
    row = table.lookup(leg.mode, leg.vehicle_class, leg.region)
    return row.intensity_gco2e_per_tkm, DataQualityTier(row.tier), table.version, row.region, row.source
