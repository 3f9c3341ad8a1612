"""Buyer policies: the rules a purchase is checked against, as a validated, versioned document.

A policy is stored whole as JSON (one row per version); every rule becomes one or more *clauses*
with a stable id (``min_band``, ``required_credential:iso_14001``, ``max_footprint:steel`` ...),
so each reason of a procurement check names the clause that produced it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

# Ordered worst to best; "Unrated" is below every band a policy can ask for.
BANDS: tuple[str, ...] = ("Non-compliant", "Conditional", "Qualified", "Qualified-plus", "Leading")
GRADES: tuple[str, ...] = ("B", "A", "A+")
Band = Literal["Non-compliant", "Conditional", "Qualified", "Qualified-plus", "Leading"]
Grade = Literal["B", "A", "A+"]
PolicyName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,99}$")]
Token = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}$")]
PositiveDecimal = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]

_RULE = ConfigDict(extra="forbid", frozen=True)


def band_rank(band: str | None) -> int:
    """Position of a band (higher is better); -1 for Unrated, unknown or missing."""
    return BANDS.index(band) if band in BANDS else -1


def grade_rank(grade: str | None) -> int:
    return GRADES.index(grade) if grade in GRADES else -1


class MinimumGrade(BaseModel):
    model_config = _RULE

    grade: Grade
    scope: Literal["overall", "industry"] = Field(
        default="overall", description="The grade among all suppliers or within the supplier's industry"
    )


class FootprintLimit(BaseModel):
    """Products of ``category`` may emit at most ``max_kgco2e_per_unit`` per ``declared_unit``."""

    model_config = _RULE

    category: Token
    declared_unit: Token = Field(description="PACT declared unit, e.g. kilogram, piece, liter")
    max_kgco2e_per_unit: PositiveDecimal


class PolicyRules(BaseModel):
    """What a buyer requires of a supplier and of a purchase. Every rule is optional."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "min_band": "Qualified-plus",
                    "min_grade": {"grade": "A", "scope": "industry"},
                    "required_credentials": ["iso_14001"],
                    "max_footprints": [
                        {"category": "fasteners", "declared_unit": "kilogram", "max_kgco2e_per_unit": "2.5"}
                    ],
                    "max_logistics_intensity_gco2e_per_tkm": "120",
                    "credential_expiry_warning_days": 60,
                }
            ]
        },
    )

    min_band: Band | None = Field(default=None, description="Lowest acceptable band of the latest scorecard")
    min_grade: MinimumGrade | None = None
    required_credentials: list[Token] = Field(
        default_factory=list,
        max_length=50,
        description="Credential types that must be valid (verified and not expired), e.g. iso_14001",
    )
    max_footprints: list[FootprintLimit] = Field(default_factory=list, max_length=200)
    max_logistics_intensity_gco2e_per_tkm: PositiveDecimal | None = Field(
        default=None, description="Highest acceptable intensity of any lane (ISO 14083 / GLEC, WTW)"
    )
    credential_expiry_warning_days: int | None = Field(
        default=None,
        ge=0,
        le=3650,
        description="A watched valid credential expiring sooner is a condition (watched: the required "
        "types, or all when none are required)",
    )

    @model_validator(mode="after")
    def _one_limit_per_category(self) -> Self:
        categories = [limit.category for limit in self.max_footprints]
        if len(categories) != len(set(categories)):
            raise ValueError("max_footprints names a category more than once")
        return self

    def footprint_limit(self, category: str) -> FootprintLimit | None:
        return next((limit for limit in self.max_footprints if limit.category == category), None)
