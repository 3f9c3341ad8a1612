"""Events the scoring service publishes on `scoring.events`."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from shared.contracts.topics import SCORING_EVENTS
from shared.events import EventContract, contract


@contract
class ComplianceScoreChanged(EventContract):
    """A supplier's score for a year changed; previous values are None for a first scorecard."""

    event_type: ClassVar[str] = "greenchain.compliance.score.changed.v1"
    topic: ClassVar[str] = SCORING_EVENTS

    year: int
    model_version: str
    previous_score: Decimal | None = None
    score: Decimal
    previous_band: str | None = None
    band: str
    reason: str
