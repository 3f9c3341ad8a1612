"""Building blocks of the PACT v3 data model: wire config, decimal and time types, sub-objects."""

from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from supplier.domain.identifiers import urn_key
from supplier.domain.values import DecimalStr, NonEmptyStr

WIRE_CONFIG = ConfigDict(
    alias_generator=to_camel,
    validate_by_name=True,
    validate_by_alias=True,
    serialize_by_alias=True,
    frozen=True,
    # Keep properties this version does not model (later 3.x minors, extensions) on round trips.
    extra="allow",
)

UtcDatetime = Annotated[AwareDatetime, AfterValidator(lambda moment: moment.astimezone(UTC))]
"""A timestamp with an explicit offset, normalised to UTC (PACT requires UTC)."""

PositiveOrZeroDecimal = Annotated[DecimalStr, Field(ge=0)]
NegativeOrZeroDecimal = Annotated[DecimalStr, Field(le=0)]
PositiveDecimal = Annotated[DecimalStr, Field(gt=0)]
Percent = Annotated[DecimalStr, Field(ge=0, le=100)]

T = TypeVar("T")


def non_empty_set(key: Callable[[T], Hashable]) -> Callable[[Sequence[T]], Sequence[T]]:
    """An after-validator for PACT sets: ``minItems: 1`` and ``uniqueItems`` under ``key``.

    Checked after the items, so one bad item gives one error, not a second "too short".
    """

    def check(values: Sequence[T]) -> Sequence[T]:
        if not values:
            raise ValueError("must contain at least one entry")
        seen: set[Hashable] = set()
        for value in values:
            if key(value) in seen:
                raise ValueError(f"duplicate entry {value!r}")
            seen.add(key(value))
        return values

    return check


def _identity(value: T) -> T:
    return value


UniqueUrns = AfterValidator(non_empty_set(urn_key))
UniqueStrings = AfterValidator(non_empty_set(_identity))
"""Non-empty, duplicate-free sequences (URNs compare case-insensitively in scheme and NID)."""


class FootprintStatus(StrEnum):
    ACTIVE = "Active"
    DEPRECATED = "Deprecated"


class DeclaredUnit(StrEnum):
    LITER = "liter"
    KILOGRAM = "kilogram"
    CUBIC_METER = "cubic meter"
    KILOWATT_HOUR = "kilowatt hour"
    MEGAJOULE = "megajoule"
    TON_KILOMETER = "ton kilometer"
    SQUARE_METER = "square meter"
    PIECE = "piece"
    HOUR = "hour"
    MEGABIT_SECOND = "megabit second"


RegionOrSubregion = Literal[
    "Africa",
    "Americas",
    "Asia",
    "Europe",
    "Oceania",
    "Australia and New Zealand",
    "Central Asia",
    "Eastern Asia",
    "Eastern Europe",
    "Latin America and the Caribbean",
    "Melanesia",
    "Micronesia",
    "Northern Africa",
    "Northern America",
    "Northern Europe",
    "Polynesia",
    "South-eastern Asia",
    "Southern Asia",
    "Southern Europe",
    "Sub-Saharan Africa",
    "Western Asia",
    "Western Europe",
]


class Verification(BaseModel):
    """Third-party verification of the footprint (``assurance`` before v3)."""

    model_config = WIRE_CONFIG

    coverage: Literal["PCF calculation model", "PCF program", "product level"] | None = None
    provider_name: str | None = None
    completed_at: UtcDatetime | None = None
    standard_name: str | None = None
    comments: str | None = None


class DataQualityIndicators(BaseModel):
    model_config = WIRE_CONFIG

    technological_dqr: DecimalStr = Field(alias="technologicalDQR")
    geographical_dqr: DecimalStr = Field(alias="geographicalDQR")
    temporal_dqr: DecimalStr = Field(alias="temporalDQR")


class ProductOrSectorSpecificRule(BaseModel):
    model_config = WIRE_CONFIG

    operator: Literal["PEF", "EPD International", "Other"]
    rule_names: Annotated[tuple[NonEmptyStr, ...], UniqueStrings]
    other_operator_name: NonEmptyStr | None = None


class EmissionFactorSource(BaseModel):
    model_config = WIRE_CONFIG

    name: NonEmptyStr
    version: NonEmptyStr


class DataModelExtension(BaseModel):
    model_config = WIRE_CONFIG

    spec_version: NonEmptyStr
    data_schema: NonEmptyStr
    documentation: str | None = None
    data: dict[str, object]


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("timestamps must carry a UTC offset")
    return moment.astimezone(UTC)
