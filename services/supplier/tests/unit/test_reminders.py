from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from supplier.domain.reminders import (
    DEFAULT_THRESHOLDS,
    ReminderCandidate,
    ReminderDecision,
    batch_reminders,
    due_reminder,
)

EXPIRES = date(2026, 12, 31)


def days_before(days: int) -> date:
    return EXPIRES - timedelta(days=days)


def test_nothing_due_before_the_first_threshold() -> None:
    assert due_reminder(expires_on=EXPIRES, today=days_before(91), sent=set()) == ReminderDecision()


def test_each_threshold_on_its_day() -> None:
    sent: set[int] = set()
    for threshold in (90, 60, 30, 7):
        decision = due_reminder(expires_on=EXPIRES, today=days_before(threshold), sent=sent)
        assert decision.send == threshold
        assert decision.mark_sent == {threshold}
        sent |= decision.mark_sent
        assert due_reminder(expires_on=EXPIRES, today=days_before(threshold), sent=sent).send is None


def test_after_downtime_only_the_smallest_due_is_sent() -> None:
    decision = due_reminder(expires_on=EXPIRES, today=days_before(25), sent={90})
    assert decision.send == 30
    assert decision.mark_sent == {60, 30}


def test_larger_thresholds_than_one_sent_are_covered() -> None:
    # e.g. the clock went backwards, or rows were restored: never send 60 after 30.
    assert due_reminder(expires_on=EXPIRES, today=days_before(45), sent={30}).send is None


def test_no_reminder_after_expiry_or_without_expiry() -> None:
    assert due_reminder(expires_on=EXPIRES, today=EXPIRES + timedelta(days=1), sent=set()).send is None
    assert due_reminder(expires_on=None, today=EXPIRES, sent=set()).send is None


def test_expiry_day_gets_the_last_reminder() -> None:
    assert due_reminder(expires_on=EXPIRES, today=EXPIRES, sent={90, 60, 30}).send == 7


def test_custom_thresholds() -> None:
    decision = due_reminder(expires_on=EXPIRES, today=days_before(14), sent=set(), thresholds=(30, 14))
    assert decision == ReminderDecision(send=14, mark_sent=frozenset({30, 14}))


def test_batches_group_by_supplier() -> None:
    today = days_before(30)
    candidates = [
        ReminderCandidate("s1", "c1", EXPIRES),
        ReminderCandidate("s1", "c2", EXPIRES + timedelta(days=30), frozenset({90})),
        ReminderCandidate("s2", "c3", EXPIRES, frozenset({90, 60, 30})),
        ReminderCandidate("s3", "c4", None),
    ]
    batches = batch_reminders(candidates, today=today)
    assert set(batches) == {"s1"}
    assert [(r.credential_id, r.threshold_days, r.days_left) for r in batches["s1"]] == [
        ("c1", 30, 30),
        ("c2", 60, 60),
    ]


@given(st.lists(st.integers(min_value=-10, max_value=200), max_size=60))
def test_a_threshold_is_never_sent_twice(offsets: list[int]) -> None:
    sent: set[int] = set()
    delivered: list[int] = []
    for offset in offsets:
        decision = due_reminder(expires_on=EXPIRES, today=days_before(offset), sent=sent)
        assert decision.send is None or decision.send in decision.mark_sent
        assert not decision.mark_sent & sent
        if decision.send is not None:
            delivered.append(decision.send)
        sent |= decision.mark_sent
    assert len(delivered) == len(set(delivered))
    assert set(delivered) <= set(DEFAULT_THRESHOLDS)


@given(st.lists(st.integers(min_value=-10, max_value=200), max_size=60))
def test_reminders_get_more_urgent_over_time(offsets: list[int]) -> None:
    sent: set[int] = set()
    delivered: list[int] = []
    for offset in sorted(offsets, reverse=True):  # days counting down to expiry
        decision = due_reminder(expires_on=EXPIRES, today=days_before(offset), sent=sent)
        if decision.send is not None:
            delivered.append(decision.send)
        sent |= decision.mark_sent
    assert delivered == sorted(delivered, reverse=True)
