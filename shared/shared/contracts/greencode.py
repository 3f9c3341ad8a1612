"""Green-code and carbon-label events the scoring service publishes on `scoring.events`."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from shared.contracts.topics import SCORING_EVENTS
from shared.events import EventContract, contract


class _CodeEvent(EventContract):
    topic: ClassVar[str] = SCORING_EVENTS

    code_id: UUID
    year: int


@contract
class GreenCodeIssued(_CodeEvent):
    event_type: ClassVar[str] = "greenchain.greencode.issued.v1"

    grade: str
    industry_grade: str
    band: str
    kid: str
    verification_url: str
    supersedes: UUID | None = None


@contract
class GreenCodeSuperseded(_CodeEvent):
    event_type: ClassVar[str] = "greenchain.greencode.superseded.v1"

    superseded_by: UUID
    reason: str


@contract
class GreenCodeRevoked(_CodeEvent):
    event_type: ClassVar[str] = "greenchain.greencode.revoked.v1"

    reason: str


@contract
class CarbonLabelIssued(_CodeEvent):
    event_type: ClassVar[str] = "greenchain.carbonlabel.issued.v1"

    footprint_id: UUID
    label_type: str
    kid: str
    verification_url: str


@contract
class CarbonLabelSuperseded(_CodeEvent):
    """The footprint behind the label was deprecated (or its verification withdrawn)."""

    event_type: ClassVar[str] = "greenchain.carbonlabel.superseded.v1"

    footprint_id: UUID
    superseded_by: UUID | None = None
    reason: str
