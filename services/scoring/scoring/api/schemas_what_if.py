"""Request body of `POST /v1/what-if`: a supplier-year's facts, as the read model would hold them.

The shape follows `SupplierYearFacts` (figures keyed by metric, credentials, gate inputs,
not-applicable criteria) so a supplier can paste what it filed and change one figure. Decimals are
accepted as strings ("42.5", audited figures travel as strings) or JSON numbers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from scoring.domain import (
    Credential,
    CredentialState,
    Figure,
    GateInputs,
    SupplierYearFacts,
    Tier,
)
from scoring.domain.facts import INDUSTRY_PATTERN

Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]
MAX_FIGURES = 100
MAX_CREDENTIALS = 100


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FigureIn(_Strict):
    value: Decimal = Field(allow_inf_nan=False, max_digits=20, description='e.g. "42.5"')
    tier: Tier = Field(default=Tier.PRIMARY, description="data-quality tier; lower tiers may cost points")
    period_end: date | None = Field(default=None, description="end of the reporting period; default 31 Dec")
    evidence_id: Name | None = None


class CredentialIn(_Strict):
    id: Name
    type: Name = Field(description="catalogue key, e.g. iso14001, green_code, green_factory")
    state: CredentialState = CredentialState.VERIFIED
    issued_on: date
    expires_on: date | None = None
    attributes: dict[Name, Name] = Field(default_factory=dict, max_length=20, description="e.g. grade A+")


class GatesIn(_Strict):
    """Gate inputs; by default every gate passes, so the figures alone decide."""

    permits_valid: bool = True
    last_major_incident_on: date | None = None
    falsified_data_ban_until: date | None = None
    data_filed: bool = True
    abnormal: bool = False
    abnormal_reasons: list[Name] = Field(default_factory=list, max_length=20)
    obsolete_equipment: bool | None = False


class WhatIfRequest(_Strict):
    """Figures to score; nothing is stored."""

    industry: str = Field(pattern=INDUSTRY_PATTERN, description="GB/T 4754 class, e.g. C3825")
    year: int = Field(ge=2000, le=2100)
    as_of: date | None = Field(
        default=None,
        description="the date to judge freshness and expiry on; default: as the service would today",
    )
    model_version: str | None = Field(default=None, max_length=20, description="default: the model in effect")
    supplier_id: Name = "what-if"
    figures: dict[Name, FigureIn] = Field(default_factory=dict, max_length=MAX_FIGURES)
    credentials: list[CredentialIn] = Field(default_factory=list, max_length=MAX_CREDENTIALS)
    gates: GatesIn = Field(default_factory=GatesIn)
    not_applicable: list[Name] = Field(default_factory=list, max_length=50, description="criterion ids")

    def to_facts(self, as_of: date) -> SupplierYearFacts:
        return SupplierYearFacts(
            supplier_id=self.supplier_id,
            industry=self.industry,
            year=self.year,
            as_of=as_of,
            figures={metric: Figure(**figure.model_dump()) for metric, figure in self.figures.items()},
            credentials=tuple(Credential(**credential.model_dump()) for credential in self.credentials),
            gates=GateInputs(**self.gates.model_dump()),
            not_applicable=frozenset(self.not_applicable),
        )
