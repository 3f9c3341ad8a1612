"""Event handlers: each runs in one transaction with the processed-event mark and its outbox rows."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects.postgresql import insert

from scoring.adapters.orm import outbox, processed_events, scorecards, supplier_facts
from scoring.service_layer.provisional import PROVISIONAL_MODEL_VERSION, score_new_supplier
from shared.contracts.scoring import ComplianceScoreChanged
from shared.contracts.supplier import SupplierRegistered
from shared.events import Event
from shared.outbox import add_to_outbox, mark_processed

CONSUMER_NAME = "scoring"
EVENT_SOURCE = "/greenchain/scoring"
log = logging.getLogger(__name__)


def handle_event(event: Event, *, engine: Engine) -> None:
    """Apply one supplier event exactly once: a redelivered event id changes nothing."""
    with engine.begin() as conn:
        if not mark_processed(conn, processed_events, consumer=CONSUMER_NAME, event_id=event.id):
            log.info("duplicate event skipped", extra={"event_id": str(event.id)})
            return
        if isinstance(event.data, SupplierRegistered):
            _record_supplier(conn, event.data)
            _score(conn, event.data, year=event.time.year)


def _record_supplier(conn: Connection, registered: SupplierRegistered) -> None:
    values = {
        "legal_name": registered.legal_name,
        "country": registered.country,
        "industry_code": registered.industry_code,
        "updated_at": datetime.now(UTC),
    }
    statement = insert(supplier_facts).values(supplier_id=registered.supplier_id, **values)
    conn.execute(statement.on_conflict_do_update(index_elements=["supplier_id"], set_=values))


def _score(conn: Connection, registered: SupplierRegistered, *, year: int) -> None:
    previous = conn.execute(
        select(scorecards).where(
            scorecards.c.supplier_id == registered.supplier_id, scorecards.c.year == year
        )
    ).first()
    result = score_new_supplier()
    if previous is not None and previous.score == result.score and previous.band == result.band:
        return  # nothing changed, nothing to announce
    values = {
        "model_version": PROVISIONAL_MODEL_VERSION,
        "score": result.score,
        "band": result.band,
        "reason": result.reason,
        "updated_at": datetime.now(UTC),
    }
    statement = insert(scorecards).values(supplier_id=registered.supplier_id, year=year, **values)
    conn.execute(statement.on_conflict_do_update(index_elements=["supplier_id", "year"], set_=values))
    changed = ComplianceScoreChanged(
        supplier_id=registered.supplier_id,
        year=year,
        model_version=PROVISIONAL_MODEL_VERSION,
        previous_score=previous.score if previous else None,
        score=result.score,
        previous_band=previous.band if previous else None,
        band=result.band,
        reason=result.reason,
    )
    add_to_outbox(conn, outbox, changed, source=EVENT_SOURCE)
