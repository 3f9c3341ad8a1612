"""Expiry reminders at 90, 60, 30 and 7 days before a credential expires.

Rule (restart-safe, no storms): on each run, of the thresholds that have been
reached and not yet sent, send only the **smallest** (the most specific, "expires
in 7 days" rather than "in 90 days"), and record the larger ones as sent too, as
skipped. After a week of downtime a supplier therefore gets one reminder, not
four. A threshold larger than one already sent counts as covered, so a reminder
can never go out twice, whatever order the run dates come in. Once a credential
is past its expiry date no reminder is due (expiry itself is a separate notice).

The caller persists ``mark_sent`` together with the outgoing notice, and starts a
new, empty ``sent`` set when a credential's expiry date changes.
"""

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date

DEFAULT_THRESHOLDS: tuple[int, ...] = (90, 60, 30, 7)


@dataclass(frozen=True, slots=True)
class ReminderDecision:
    """``send`` is the threshold (days before expiry) to notify now, or None."""

    send: int | None = None
    mark_sent: frozenset[int] = frozenset()


def due_reminder(
    *,
    expires_on: date | None,
    today: date,
    sent: Collection[int],
    thresholds: Collection[int] = DEFAULT_THRESHOLDS,
) -> ReminderDecision:
    """Which reminder to send for one credential today, and what to record as sent."""
    if expires_on is None or today > expires_on:
        return ReminderDecision()
    days_left = (expires_on - today).days
    smallest_sent = min(sent, default=None)
    pending = {
        t
        for t in thresholds
        if days_left <= t and t not in sent and (smallest_sent is None or t < smallest_sent)
    }
    if not pending:
        return ReminderDecision()
    return ReminderDecision(send=min(pending), mark_sent=frozenset(pending))


@dataclass(frozen=True, slots=True)
class ReminderCandidate:
    """A credential that may need a reminder (the caller skips revoked and rejected ones)."""

    supplier_id: Hashable
    credential_id: Hashable
    expires_on: date | None
    sent: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class DueReminder:
    credential_id: Hashable
    threshold_days: int
    days_left: int
    mark_sent: frozenset[int]


def batch_reminders(
    candidates: Iterable[ReminderCandidate],
    *,
    today: date,
    thresholds: Collection[int] = DEFAULT_THRESHOLDS,
) -> dict[Hashable, list[DueReminder]]:
    """Due reminders grouped by supplier, so each supplier gets one message per run."""
    batches: dict[Hashable, list[DueReminder]] = defaultdict(list)
    for candidate in candidates:
        decision = due_reminder(
            expires_on=candidate.expires_on, today=today, sent=candidate.sent, thresholds=thresholds
        )
        if decision.send is None or candidate.expires_on is None:
            continue
        days_left = (candidate.expires_on - today).days
        batches[candidate.supplier_id].append(
            DueReminder(candidate.credential_id, decision.send, days_left, decision.mark_sent)
        )
    return dict(batches)
