"""Events the scoring service publishes on `scoring.events` (all `greenchain.compliance.*.v1`).

Each carries the previous and the new value, the model version and the year, so a buyer (or the
gateway's fan-out) can act on one event without asking for the scorecard.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from shared.contracts.topics import SCORING_EVENTS
from shared.events import EventContract, contract

GradeScope = Literal["overall", "industry"]


class _ComplianceEvent(EventContract):
    topic: ClassVar[str] = SCORING_EVENTS

    year: int
    model_version: str


@contract
class ComplianceScoreChanged(_ComplianceEvent):
    """A supplier's score for a year changed; previous values are None for a first scorecard."""

    event_type: ClassVar[str] = "greenchain.compliance.score.changed.v1"

    previous_score: Decimal | None = None
    score: Decimal | None = Field(description="None when the year is Unrated")
    previous_band: str | None = None
    band: str
    reason: str
    industry: str | None = None


@contract
class ComplianceBandChanged(_ComplianceEvent):
    event_type: ClassVar[str] = "greenchain.compliance.band.changed.v1"

    previous_band: str | None = None
    band: str
    score: Decimal | None = None


@contract
class ComplianceGradeChanged(_ComplianceEvent):
    """A relative grade moved, overall or within the industry (another supplier's change can cause it)."""

    event_type: ClassVar[str] = "greenchain.compliance.grade.changed.v1"

    scope: GradeScope
    industry: str | None = None
    previous_grade: str | None = None
    grade: str | None = Field(description="A+, A or B; None when the supplier is no longer graded")
    previous_percentile: Decimal | None = None
    percentile: Decimal | None = None
    previous_rank: int | None = None
    rank: int | None = None


@contract
class ComplianceGateFailed(_ComplianceEvent):
    event_type: ClassVar[str] = "greenchain.compliance.gate.failed.v1"

    previous_failed_gates: list[str] = Field(default_factory=list)
    failed_gates: list[str] = Field(min_length=1)
    reasons: list[str] = Field(default_factory=list)
    previous_band: str | None = None
    band: str = "Non-compliant"


@contract
class ComplianceUnrated(_ComplianceEvent):
    """The year cannot be rated (data missing or abnormal): no grade, as the green code gives none."""

    event_type: ClassVar[str] = "greenchain.compliance.unrated.v1"

    reason: str
    previous_band: str | None = None
    previous_score: Decimal | None = None


@contract
class ComplianceListEntered(_ComplianceEvent):
    """The supplier is on the year's green list."""

    event_type: ClassVar[str] = "greenchain.compliance.list.entered.v1"

    previous_on_list: bool = False
    grade: str
    industry_grade: str | None = None
    band: str


@contract
class ComplianceListExited(_ComplianceEvent):
    """The supplier left the year's green list, and why."""

    event_type: ClassVar[str] = "greenchain.compliance.list.exited.v1"

    reason: Literal["grade_lost", "gate_failed", "data_not_filed"]
    detail: str | None = None
    previous_grade: str | None = None
    grade: str | None = None
    previous_band: str | None = None
    band: str | None = None
