"""Absolute bands and relative grades, shared by the criteria model, scorecards and positions."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Band(StrEnum):
    """Absolute band of a scorecard; Non-compliant whenever a gate fails. Values are DOMAIN.md's names."""

    LEADING = "Leading"
    QUALIFIED_PLUS = "Qualified-plus"
    QUALIFIED = "Qualified"
    CONDITIONAL = "Conditional"
    NON_COMPLIANT = "Non-compliant"
    UNRATED = "Unrated"


class Grade(StrEnum):
    """Relative grade, like the enterprise green code: top 5 % / next 35 % / the rest."""

    A_PLUS = "A+"
    A = "A"
    B = "B"


class BandThresholds(BaseModel):
    """Lowest total (inclusive) for each band; below ``conditional`` is Non-compliant."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    leading: Decimal = Decimal(85)
    qualified_plus: Decimal = Decimal(80)
    qualified: Decimal = Decimal(70)
    conditional: Decimal = Decimal(60)

    @model_validator(mode="after")
    def _descending(self) -> BandThresholds:
        lines = [self.leading, self.qualified_plus, self.qualified, self.conditional]
        if lines != sorted(lines, reverse=True) or len(set(lines)) != len(lines):
            raise ValueError("bands: thresholds must strictly descend from leading to conditional")
        if self.conditional < 0 or self.leading > 100:
            raise ValueError("bands: thresholds must lie within 0-100")
        return self

    def band_for(self, total: Decimal) -> Band:
        """The band a total earns when every gate passed."""
        for line, band in (
            (self.leading, Band.LEADING),
            (self.qualified_plus, Band.QUALIFIED_PLUS),
            (self.qualified, Band.QUALIFIED),
            (self.conditional, Band.CONDITIONAL),
        ):
            if total >= line:
                return band
        return Band.NON_COMPLIANT


class GradeShares(BaseModel):
    """Share of the population (percent) given each relative grade, best first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    a_plus: Decimal = Field(default=Decimal(5), gt=0, lt=100)
    a: Decimal = Field(default=Decimal(35), gt=0, lt=100)
    b: Decimal = Field(default=Decimal(60), gt=0, lt=100)

    @model_validator(mode="after")
    def _whole(self) -> GradeShares:
        if self.a_plus + self.a + self.b != 100:
            raise ValueError("grade_shares_pct: a_plus + a + b must be 100")
        return self

    def cutoffs(self, size: int) -> tuple[int, int]:
        """How many places of ``size`` are A+ and how many are A+ or A.

        Cumulative shares are rounded half-up once each, so the two rounding
        errors never add up: A+ is round(5 % of n), A+ and A together round(40 % of n).
        """
        a_plus = _round_half_up(size * self.a_plus / 100)
        a_or_better = _round_half_up(size * (self.a_plus + self.a) / 100)
        return a_plus, a_or_better


def _round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
