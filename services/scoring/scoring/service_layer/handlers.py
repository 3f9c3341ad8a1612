"""Event handlers: each event updates the read model and rescores the supplier-years it affects,
in one transaction with the processed-event mark and the outbox rows it produces.

Years an event affects: a performance report or shipment, its own year; anything about the
supplier as a whole (profile, credentials, footprints), every year the supplier has data or a
scorecard for, plus the current year. Each year is judged on its own date (scoring.as_of), so the
result is the same whichever order the events came in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

from sqlalchemy import Connection, Engine

from scoring.adapters import facts_repository, read_model, scorecard_store
from scoring.adapters.orm import outbox, processed_events
from scoring.domain import ModelRegistry
from scoring.greencode.pipeline import CodeKeeper
from scoring.service_layer.scoring import EVENT_SOURCE, rescore_supplier
from shared.contracts import supplier as contracts
from shared.events import Event, EventContract
from shared.outbox import add_to_outbox, mark_processed

CONSUMER_NAME = "scoring"
log = logging.getLogger(__name__)

_CREDENTIAL_EVENTS = (
    contracts.CredentialSubmitted,
    contracts.CredentialVerified,
    contracts.CredentialRejected,
    contracts.CredentialRevoked,
    contracts.CredentialExpired,
)


def utc_today() -> date:
    return datetime.now(UTC).date()


def handle_event(
    event: Event,
    *,
    engine: Engine,
    registry: ModelRegistry,
    today: Callable[[], date] = utc_today,
    codes: CodeKeeper | None = None,
) -> None:
    """Apply one supplier event exactly once: a redelivered event id changes nothing."""
    with engine.begin() as conn:
        if not mark_processed(conn, processed_events, consumer=CONSUMER_NAME, event_id=event.id):
            log.info("duplicate event skipped", extra={"event_id": str(event.id)})
            return
        apply(conn, event.data, registry=registry, today=today(), codes=codes)


def apply(
    conn: Connection,
    data: EventContract,
    *,
    registry: ModelRegistry,
    today: date,
    codes: CodeKeeper | None = None,
) -> None:
    """Update the read model from one event and rescore what it affects (no idempotency here).

    With ``codes``, green codes and carbon labels follow in the same transaction.
    """
    years = _record(conn, data)
    if codes is not None:
        for label_event in codes.after_record(conn, data):
            add_to_outbox(conn, outbox, label_event, source=EVENT_SOURCE)
    if years is None:
        return  # an event that carries nothing the scores depend on
    if not years:
        years = _supplier_years(conn, data.supplier_id, today)
    rescore_supplier(
        conn, supplier_id=data.supplier_id, years=years, registry=registry, today=today, codes=codes
    )


def _record(conn: Connection, data: EventContract) -> set[int] | None:
    """Write the event's facts; the years it affects (empty: all), or None when nothing changed."""
    match data:
        case contracts.SupplierRegistered() | contracts.SupplierUpdated():
            version = data.version if isinstance(data, contracts.SupplierUpdated) else 1
            changed = read_model.save_profile(
                conn,
                supplier_id=data.supplier_id,
                legal_name=data.legal_name,
                country=data.country,
                industry=data.industry_code,
                version=version,
                uscc=data.uscc,
                registry_id=data.registry_id,
            )
            return set() if changed else None
        case contracts.PerformanceReported():
            return {data.year} if read_model.save_performance(conn, data) else None
        case contracts.PerformanceFlaggedAbnormal():
            return {data.year} if read_model.save_abnormal_flag(conn, data) else None
        case contracts.ShipmentRecorded():
            return {data.year} if read_model.save_shipment(conn, data) else None
        case contracts.FootprintPublished():
            return set() if read_model.save_footprint(conn, data) else None
        case contracts.FootprintDeprecated():
            changed = read_model.deprecate_footprint(
                conn, supplier_id=data.supplier_id, footprint_id=data.footprint_id
            )
            return set() if changed else None
        case _ if isinstance(data, _CREDENTIAL_EVENTS):
            changed = read_model.save_credential(conn, supplier_id=data.supplier_id, snapshot=data.credential)
            return set() if changed else None
    return None  # e.g. expiry reminders: the expiry itself arrives as CredentialExpired


def _supplier_years(conn: Connection, supplier_id: UUID, today: date) -> set[int]:
    return (
        facts_repository.years_with_data(conn, supplier_id)
        | scorecard_store.scored_years(conn, supplier_id)
        | {today.year}
    )
