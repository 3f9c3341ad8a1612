"""Rescoring one supplier's years from the read model, inside the caller's transaction.

Which date a year is judged on (``as_of``): the day of scoring while the year is open, and the
end of the following year once that has passed (the year's evaluation is then closed), so a
closed year's scorecard only changes when its own facts do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from scoring.adapters import scorecard_store
from scoring.adapters.facts_mapping import to_facts
from scoring.adapters.orm import outbox
from scoring.adapters.rankings import lock_year
from scoring.adapters.record_loader import load_supplier_year
from scoring.adapters.scorecard_store import Scored
from scoring.domain import GradeShares, ModelRegistry, Scorecard, score
from scoring.greencode.pipeline import CodeKeeper
from scoring.service_layer.positions import ChangedCard, regrade
from shared.contracts.scoring import (
    ComplianceBandChanged,
    ComplianceGateFailed,
    ComplianceScoreChanged,
    ComplianceUnrated,
)
from shared.events import EventContract
from shared.outbox import add_many_to_outbox

EVENT_SOURCE = "/greenchain/scoring"


def as_of(year: int, today: date) -> date:
    """The date ``year`` is judged on: today, until the end of the following year."""
    return min(today, date(year + 1, 12, 31))


def rescore_supplier(
    conn: Connection,
    *,
    supplier_id: UUID,
    years: Iterable[int],
    registry: ModelRegistry,
    today: date,
    codes: CodeKeeper | None = None,
) -> None:
    """Rescore ``years`` of one supplier; publishes what changed. No profile yet: nothing to score."""
    for year in sorted(set(years)):
        lock_year(conn, year)
        record = load_supplier_year(conn, supplier_id, year)
        if record is None:
            return  # no profile yet: the registration event will score every year with data
        day = as_of(year, today)
        model = registry.current(day)
        card = score(to_facts(record, as_of=day), model)
        _store(conn, card, model.grade_shares_pct, codes)


def _store(conn: Connection, card: Scorecard, shares: GradeShares, codes: CodeKeeper | None) -> None:
    supplier_id = UUID(card.supplier_id)
    previous = scorecard_store.current_for_update(conn, supplier_id, card.year)
    if previous is not None and previous.digest == scorecard_store.digest(card):
        return
    scored = Scored.of(card)
    scorecard_store.save(conn, scored, previous)
    industries = {card.industry} | ({previous.industry} if previous is not None else set())
    events: list[EventContract] = list(card_events(scored, previous))
    if not _same_place(scored, previous):
        changed = _as_stored(scored, previous)
        events += regrade(conn, year=card.year, industries=industries, changed=changed, shares=shares)
    if codes is not None:  # after the card and grades are written: codes state what is stored
        events += codes.after_scoring(conn, year=card.year, events=events)
    add_many_to_outbox(conn, outbox, events, source=EVENT_SOURCE)


def _same_place(scored: Scored, previous: Any) -> bool:
    """The card changed but not its place in any ranking (grades are kept right on every change, so
    none can be wrong): same industry, and out of the rankings with no grade before and after, or in
    them with the same total and cap."""
    if previous is None or previous.industry != scored.industry or previous.ranked != scored.ranked:
        return False
    if not scored.ranked:
        return previous.grade is None and previous.industry_grade is None
    return previous.total == scored.total and previous.capped == scored.capped


def _as_stored(scored: Scored, previous: Any) -> ChangedCard:
    """The row ``scorecard_store.save`` just wrote: the new card with the grades it kept."""
    return ChangedCard(
        supplier_id=UUID(scored.supplier_id),
        model_version=scored.model_version,
        industry=scored.industry,
        total=scored.total,
        ranked=scored.ranked,
        grade=previous.grade if previous is not None else None,
        industry_grade=previous.industry_grade if previous is not None else None,
    )


def card_events(scored: Scored, previous: Any) -> list[EventContract]:
    """Score, band, gate and unrated events of a supplier whose card changed (previous: its old row)."""
    common = {
        "supplier_id": UUID(scored.supplier_id),
        "year": scored.year,
        "model_version": scored.model_version,
    }
    before_total = previous.total if previous is not None else None
    before_band = previous.band if previous is not None else None
    events: list[EventContract] = []
    if previous is None or (before_total, before_band) != (scored.total, scored.band):
        events.append(
            ComplianceScoreChanged(
                **common,
                previous_score=before_total,
                score=scored.total,
                previous_band=before_band,
                band=scored.band,
                reason=scored.reason,
                industry=scored.industry,
            )
        )
    if previous is not None and before_band != scored.band:
        events.append(
            ComplianceBandChanged(**common, previous_band=before_band, band=scored.band, score=scored.total)
        )
    events += _gate_events(scored, previous, common)
    if scored.unrated_reason is not None and (previous is None or previous.reason != scored.reason):
        events.append(
            ComplianceUnrated(
                **common, reason=scored.unrated_reason, previous_band=before_band, previous_score=before_total
            )
        )
    return events


def _gate_events(scored: Scored, previous: Any, common: dict[str, Any]) -> list[EventContract]:
    """GateFailed when gates (G4 aside: that is Unrated) newly fail or fail differently."""
    failed = list(scored.failed_gates)
    before = list(previous.failed_gates) if previous is not None else []
    if not failed or failed == before:
        return []
    return [
        ComplianceGateFailed(
            **common,
            previous_failed_gates=before,
            failed_gates=failed,
            reasons=list(scored.gate_reasons),
            previous_band=previous.band if previous is not None else None,
            band=scored.band,
        )
    ]
