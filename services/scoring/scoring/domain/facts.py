"""What the scoring domain needs to know about one supplier for one year.

The scoring service's read model (built from ``supplier.events``) maps to
:class:`SupplierYearFacts`; nothing here reads a database or a topic.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

# GB/T 4754 codes: a section letter, optionally followed by 2-4 digits (C, C38, C382, C3825).
INDUSTRY_PATTERN = r"^[A-T](\d{2}|\d{3}|\d{4})?$"


class Tier(StrEnum):
    """Data-quality tier of a figure, best first (as in GLEC / ISO 14083)."""

    PRIMARY_VERIFIED = "primary_verified"
    PRIMARY = "primary"
    MODELLED = "modelled"
    DEFAULT = "default"

    @property
    def rank(self) -> int:
        """0 for the best tier; larger is worse."""
        return _TIER_RANK[self]


_TIER_RANK = {tier: index for index, tier in enumerate(Tier)}


def worst_tier(tiers: list[Tier]) -> Tier:
    """The lowest-quality tier among ``tiers``; primary-verified when there are none."""
    return max(tiers, key=lambda tier: tier.rank, default=Tier.PRIMARY_VERIFIED)


class CredentialState(StrEnum):
    """Verification state of an uploaded credential; only ``verified`` ever scores."""

    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"
    REVOKED = "revoked"
    EXPIRED = "expired"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Figure(_Frozen):
    """One yearly performance figure; the metric name (with its unit) is the key in the facts."""

    value: Decimal
    tier: Tier = Tier.PRIMARY
    period_end: date | None = Field(default=None, description="end of the reporting period; default 31 Dec")
    evidence_id: str | None = None


class Credential(_Frozen):
    """A credential as the supplier service last reported it."""

    id: str
    type: str = Field(description="catalogue key, e.g. iso14001, green_code, green_factory")
    state: CredentialState
    issued_on: date
    expires_on: date | None = None
    attributes: dict[str, str] = Field(default_factory=dict, description="e.g. grade A+, level national")


class GateInputs(_Frozen):
    """Pass/fail inputs for the gates G1-G5."""

    permits_valid: bool = Field(description="business licence, EIA approval, pollutant permit all valid")
    last_major_incident_on: date | None = None
    falsified_data_ban_until: date | None = None
    data_filed: bool = True
    abnormal: bool = False
    abnormal_reasons: tuple[str, ...] = ()
    obsolete_equipment: bool | None = Field(default=None, description="None: equipment list not filed")


class SupplierYearFacts(_Frozen):
    """Everything one score depends on: the same facts always give the same scorecard."""

    supplier_id: str
    industry: str = Field(pattern=INDUSTRY_PATTERN, description="GB/T 4754 class, e.g. C3825")
    year: int = Field(ge=2000, le=2100)
    as_of: date = Field(description="the date the score is computed for (freshness, expiry)")
    figures: dict[str, Figure] = Field(default_factory=dict)
    credentials: tuple[Credential, ...] = ()
    gates: GateInputs
    not_applicable: frozenset[str] = Field(
        default_factory=frozenset, description="criterion ids that do not apply to this supplier"
    )

    def period_end(self, figure: Figure) -> date:
        """The figure's period end, defaulting to the end of the facts' year."""
        return figure.period_end or date(self.year, 12, 31)
