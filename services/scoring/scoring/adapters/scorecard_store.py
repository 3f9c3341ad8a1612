"""Current scorecards and their history.

A revision is appended only when the card's content changed; the date it was computed on and the
review date that follows from it do not count as content (see ``digest``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Row, select
from sqlalchemy.dialects.postgresql import insert

from scoring.adapters.tables.scorecards import scorecard_history, scorecards
from scoring.domain import Band, GateRule, Scorecard, Standing

_DATED = frozenset({"as_of", "next_review_on"})


def digest(card: Scorecard) -> str:
    """Fingerprint of what a scorecard says, leaving out the dates it was computed for."""
    return hashlib.sha256(card.model_dump_json(exclude=set(_DATED)).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Scored:
    """What storage, events and the green list need of a scorecard: small and picklable, so the
    yearly rescore can build it in worker processes (scoring.service_layer.batch_scoring)."""

    supplier_id: str
    year: int
    industry: str
    model_version: str
    rated: bool
    total: Decimal | None
    band: str
    unrated_reason: str | None
    # Failed gates other than G4 (a failed G4 is what `rated` False says), and their reasons.
    failed_gates: tuple[str, ...]
    gate_reasons: tuple[str, ...]
    capped: bool
    as_of: date
    digest: str
    # The whole card as JSON; None when it says what the stored card with ``known_digest`` says
    # (the yearly rescore then writes no revision, and need not send the JSON between processes).
    card_json: str | None

    @classmethod
    def of(cls, card: Scorecard, known_digest: str | None = None) -> Scored:
        fingerprint = digest(card)
        failed = [g for g in card.failed_gates if g.rule != GateRule.DATA_FILED_AND_PLAUSIBLE]
        return cls(
            supplier_id=card.supplier_id,
            year=card.year,
            industry=card.industry,
            model_version=card.model_version,
            rated=card.rated,
            total=card.total,
            band=card.band.value,
            unrated_reason=card.unrated_reason,
            failed_gates=tuple(gate.gate_id for gate in failed),
            gate_reasons=tuple(f"{gate.gate_id} {gate.reason}" for gate in failed),
            capped=card.grade_capped,
            as_of=card.as_of,
            digest=fingerprint,
            card_json=None if fingerprint == known_digest else card.model_dump_json(),
        )

    @property
    def ranked(self) -> bool:
        """Takes a place in the rankings: rated and no gate failed (as Standing.from_scorecard)."""
        return self.rated and not self.failed_gates

    def standing(self) -> Standing | None:
        if self.total is None or not self.ranked:
            return None
        return Standing(self.supplier_id, self.industry, self.total, Band(self.band), self.capped)

    @property
    def reason(self) -> str:
        """One line saying why the card stands as it does."""
        if self.unrated_reason is not None:
            return f"Unrated: {self.unrated_reason}"
        if self.gate_reasons:
            return "Gate failed: " + "; ".join(self.gate_reasons)
        return f"{self.total} points under criteria model {self.model_version}"


def current_for_update(conn: Connection, supplier_id: UUID, year: int) -> Row[Any] | None:
    """The current card's row, locked until the transaction ends."""
    return conn.execute(
        select(scorecards)
        .where(scorecards.c.supplier_id == supplier_id, scorecards.c.year == year)
        .with_for_update()
    ).first()


def scored_years(conn: Connection, supplier_id: UUID) -> set[int]:
    return set(
        conn.execute(select(scorecards.c.year).where(scorecards.c.supplier_id == supplier_id)).scalars()
    )


def current_row(scored: Scored, revision: int) -> dict[str, Any]:
    """The scorecards row; grades are set apart, by the ranking."""
    return {
        "supplier_id": UUID(scored.supplier_id),
        "year": scored.year,
        "revision": revision,
        "model_version": scored.model_version,
        "industry": scored.industry,
        "rated": scored.rated,
        "ranked": scored.ranked,
        "total": scored.total,
        "band": scored.band,
        "capped": scored.capped,
        "failed_gates": list(scored.failed_gates),
        "reason": scored.reason[:1000],
        "digest": scored.digest,
        "as_of": scored.as_of,
        "updated_at": datetime.now(UTC),
    }


def save(conn: Connection, scored: Scored, previous: Row[Any] | None) -> None:
    """Append the card to the history and make it current, keeping the grades already given."""
    revision = previous.revision + 1 if previous is not None else 1
    assert scored.card_json is not None, "a card is saved only when it changed"
    conn.execute(
        insert(scorecard_history).values(
            supplier_id=UUID(scored.supplier_id),
            year=scored.year,
            revision=revision,
            model_version=scored.model_version,
            total=scored.total,
            band=scored.band,
            card=json.loads(scored.card_json),
            recorded_at=datetime.now(UTC),
        )
    )
    values = current_row(scored, revision)
    statement = insert(scorecards).values(**values)
    keys = {"supplier_id", "year"}
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=list(keys), set_={k: statement.excluded[k] for k in values if k not in keys}
        )
    )
