"""Small value types shared by the domain modules."""

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, StringConstraints, WithJsonSchema

DECIMAL_PATTERN = r"^[+-]?\d+(\.\d+)?$"
_DECIMAL_RE = re.compile(DECIMAL_PATTERN)


class DataQualityTier(StrEnum):
    """How a figure was obtained, best first. Scoring may apply a penalty per tier."""

    PRIMARY_VERIFIED = "primary_verified"
    PRIMARY = "primary"
    MODELLED = "modelled"
    DEFAULT = "default"

    @property
    def rank(self) -> int:
        """0 for the best tier, 3 for the worst."""
        return list(DataQualityTier).index(self)


def worst_tier(tiers: list[DataQualityTier]) -> DataQualityTier:
    """The lowest-quality tier of a non-empty list (a total is only as good as its worst part)."""
    return max(tiers, key=lambda tier: tier.rank)


def _parse_decimal_string(value: Any) -> Decimal:
    """Accept only a plain decimal string such as ``"12.50"``: no floats, no exponents, no NaN."""
    if isinstance(value, Decimal) and value.is_finite():
        value = format(value, "f")
    if not isinstance(value, str):
        raise ValueError('must be a decimal string such as "12.5", not a JSON number')
    if not _DECIMAL_RE.match(value):
        raise ValueError(f'{value!r} is not a decimal string such as "12.5"')
    try:
        return Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes this
        raise ValueError(f"{value!r} is not a decimal") from exc


def _plain(value: Decimal) -> str:
    """Positional notation always (``"0.0000001"``, never ``"1E-7"``), to match the pattern."""
    return format(value, "f")


DecimalStr = Annotated[
    Decimal,
    BeforeValidator(_parse_decimal_string),
    PlainSerializer(_plain, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN}),
]
"""A Decimal that travels as a string on the wire (audited quantities are never floats)."""

NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
