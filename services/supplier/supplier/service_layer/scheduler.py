"""The expiry scheduler: expires credentials past expiry + grace, and sends batched expiry reminders.

One round is one transaction: the state changes, the `reminders_sent` rows and the outbox events
commit together or not at all. Restart-safety:

- no reminder twice: `reminders_sent` has one row per (credential, threshold), and a round only
  announces thresholds it inserted there itself;
- none missed after downtime: a round looks at every threshold already reached, not only today's;
  of several reached during downtime it sends the most imminent one and records the others as
  skipped (domain/reminders.py), so a supplier gets "expires in 7 days", not four stale notices;
- two schedulers never double-send: a round runs under a transaction-level advisory lock (the
  second scheduler skips the round), and rows being changed by an API request are skipped with
  FOR UPDATE SKIP LOCKED and picked up by the next round.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.dialects.postgresql import insert

from shared.contracts.supplier import CredentialExpiring, ExpiringCredential
from shared.db import make_engine
from shared.logging import configure_logging
from shared.process import stop_on_signals
from supplier.adapters.credential_repository import CredentialRepository, record_from_row
from supplier.adapters.tables.credentials import credentials, reminders_sent
from supplier.config import Settings
from supplier.domain.credential_lifecycle import DEFAULT_GRACE_DAYS, CredentialStatus, is_expired_by_date
from supplier.domain.reminders import DEFAULT_THRESHOLDS, DueReminder, ReminderCandidate, batch_reminders
from supplier.service_layer.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
ROUND_LOCK_KEY = 0x5C4ED01E  # one scheduler round at a time, across processes
_EXPIRABLE = (CredentialStatus.SUBMITTED, CredentialStatus.VERIFIED, CredentialStatus.REJECTED)
_REMINDABLE = (CredentialStatus.SUBMITTED, CredentialStatus.VERIFIED)


@dataclass(frozen=True, slots=True)
class RoundResult:
    ran: bool
    expired: int = 0
    reminders: int = 0
    suppliers_notified: int = 0


def run_round(
    *,
    today: date,
    grace_days: int = DEFAULT_GRACE_DAYS,
    thresholds: Collection[int] = DEFAULT_THRESHOLDS,
    uow: UnitOfWork,
) -> RoundResult:
    """One scheduler round for `today` (UTC). Emits credential.expired and credential.expiring."""
    with uow:
        if not uow.conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": ROUND_LOCK_KEY}).scalar():
            return RoundResult(ran=False)  # another scheduler is running this round
        expired = _expire_due(uow, today=today, grace_days=grace_days)
        batches = _due_reminders(uow.conn, today=today, thresholds=thresholds)
        for supplier_id, reminders in batches.items():
            uow.publish(CredentialExpiring(supplier_id=supplier_id, reminders=reminders))
        uow.commit()
        return RoundResult(
            ran=True,
            expired=expired,
            reminders=sum(len(r) for r in batches.values()),
            suppliers_notified=len(batches),
        )


def _expire_due(uow: UnitOfWork, *, today: date, grace_days: int) -> int:
    # The SQL bound only narrows the scan; the domain rule (expiry + grace) decides.
    latest_expiry = today - timedelta(days=grace_days + 1)
    rows = uow.conn.execute(
        select(credentials)
        .where(credentials.c.state.in_(_EXPIRABLE), credentials.c.expires_on <= latest_expiry)
        .order_by(credentials.c.supplier_id, credentials.c.expires_on)
        .with_for_update(skip_locked=True)
    ).all()
    repo, now = CredentialRepository(uow.conn), datetime.now(UTC)
    due = [record_from_row(row) for row in rows if is_expired_by_date(row.expires_on, today, grace_days)]
    for current in due:
        record, event = current.expire(now=now)
        repo.update(record)
        uow.publish(event)
    return len(due)


def _due_reminders(
    conn: Connection, *, today: date, thresholds: Collection[int]
) -> dict[Hashable, list[ExpiringCredential]]:
    """Due reminders grouped by supplier, already recorded in `reminders_sent` by this round."""
    sent = (
        select(func.coalesce(func.array_agg(reminders_sent.c.threshold_days), text("'{}'::int[]")))
        .where(reminders_sent.c.credential_id == credentials.c.id)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(credentials, sent.label("sent"))
        .where(
            credentials.c.state.in_(_REMINDABLE),
            credentials.c.expires_on >= today,
            credentials.c.expires_on <= today + timedelta(days=max(thresholds)),
        )
        .order_by(credentials.c.supplier_id, credentials.c.expires_on, credentials.c.id)
    ).all()
    records = {row.id: record_from_row(row) for row in rows}
    candidates = [
        ReminderCandidate(row.supplier_id, row.id, row.expires_on, frozenset(row.sent)) for row in rows
    ]
    batches: dict[Hashable, list[ExpiringCredential]] = {}
    for supplier_id, due in batch_reminders(candidates, today=today, thresholds=thresholds).items():
        announced = [r for r in due if _record_reminder(conn, r)]
        if announced:
            batches[supplier_id] = [
                ExpiringCredential(
                    credential=records[r.credential_id].snapshot(), days_before=r.threshold_days
                )
                for r in announced
            ]
    return batches


def _record_reminder(conn: Connection, reminder: DueReminder) -> bool:
    """Insert the reminder's rows; False if its threshold was already recorded (never announce twice)."""
    inserted = conn.execute(
        insert(reminders_sent)
        .values(
            [
                {
                    "credential_id": reminder.credential_id,
                    "threshold_days": t,
                    "skipped": t != reminder.threshold_days,
                }
                for t in sorted(reminder.mark_sent)
            ]
        )
        .on_conflict_do_nothing()
        .returning(reminders_sent.c.threshold_days)
    ).scalars()
    return reminder.threshold_days in set(inserted)


def run_periodically(
    *,
    engine: Engine,
    interval_s: float,
    grace_days: int,
    stop: threading.Event,
    today: Callable[[], date] = lambda: datetime.now(UTC).date(),
) -> None:
    """Run a round at start and every `interval_s` until `stop` is set; a failed round is retried later."""
    while not stop.is_set():
        try:
            result = run_round(today=today(), grace_days=grace_days, uow=UnitOfWork(engine))
            if result.expired or result.reminders:
                log.info("scheduler round", extra={"expired": result.expired, "reminders": result.reminders})
        except Exception:
            log.exception("scheduler round failed; retrying next interval")
        stop.wait(interval_s)


def run_scheduler(settings: Settings) -> None:
    """The `supplier scheduler` process: rounds every `reminder_interval_s` until SIGTERM."""
    configure_logging(f"{settings.service_name}-scheduler", settings.log_level)
    stop = stop_on_signals()
    engine = make_engine(str(settings.database_url), pool_size=1)
    log.info("expiry scheduler started")
    run_periodically(
        engine=engine,
        interval_s=settings.reminder_interval_s,
        grace_days=settings.credential_grace_days,
        stop=stop,
    )
    engine.dispose()
    log.info("expiry scheduler stopped")
