from datetime import date

import pytest

from supplier.domain.credential_lifecycle import (
    ALLOWED_TRANSITIONS,
    CredentialState,
    CredentialStatus,
    InvalidTransition,
    ReasonRequired,
    apply_expiry,
    check_transition,
    counts_as_valid,
    expired_from,
    is_expired_by_date,
)
from supplier.domain.errors import SupplierError

S = CredentialStatus
EXPIRES = date(2026, 6, 30)


def test_new_credential_is_submitted() -> None:
    assert CredentialState().status is S.SUBMITTED


def test_verify() -> None:
    assert CredentialState().verify().status is S.VERIFIED


def test_reject_needs_a_reason() -> None:
    with pytest.raises(ReasonRequired):
        CredentialState().reject("   ")
    state = CredentialState().reject("  scan is illegible ")
    assert state.status is S.REJECTED
    assert state.rejection_reason == "scan is illegible"


def test_revoke_a_verified_credential() -> None:
    state = CredentialState().verify().revoke("withdrawn by the certification body")
    assert state.status is S.REVOKED
    assert state.revocation_reason == "withdrawn by the certification body"
    assert CredentialState().verify().revoke().revocation_reason is None


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (CredentialState(S.SUBMITTED), CredentialState.revoke),
        (CredentialState(S.VERIFIED), CredentialState.verify),
        (CredentialState(S.REJECTED), CredentialState.verify),
        (CredentialState(S.REVOKED), CredentialState.verify),
        (CredentialState(S.REVOKED), CredentialState.expire),
        (CredentialState(S.EXPIRED), CredentialState.verify),
        (CredentialState(S.EXPIRED), CredentialState.revoke),
    ],
)
def test_invalid_transitions_name_both_states(state: CredentialState, step: object) -> None:
    with pytest.raises(InvalidTransition) as exc:
        step(state)  # type: ignore[operator]
    assert exc.value.current is state.status
    assert str(state.status) in str(exc.value)
    assert str(exc.value.target) in str(exc.value)


def test_reject_from_verified_is_invalid() -> None:
    with pytest.raises(InvalidTransition, match="a verified credential cannot become rejected"):
        CredentialState(S.VERIFIED).reject("late objection")


def test_errors_are_domain_errors() -> None:
    assert issubclass(InvalidTransition, SupplierError)
    assert issubclass(ReasonRequired, SupplierError)


def test_final_states_allow_nothing() -> None:
    assert not ALLOWED_TRANSITIONS[S.REVOKED]
    assert not ALLOWED_TRANSITIONS[S.EXPIRED]
    with pytest.raises(InvalidTransition, match="final state"):
        check_transition(S.REVOKED, S.VERIFIED)


def test_status_accepts_stored_string() -> None:
    assert CredentialState("verified").status is S.VERIFIED  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="approved"):
        CredentialState("approved")  # type: ignore[arg-type]


def test_expiry_date_is_the_last_valid_day_plus_grace() -> None:
    assert expired_from(EXPIRES, grace_days=0) == date(2026, 7, 1)
    assert expired_from(EXPIRES, grace_days=30) == date(2026, 7, 31)
    assert not is_expired_by_date(EXPIRES, date(2026, 7, 30), grace_days=30)
    assert is_expired_by_date(EXPIRES, date(2026, 7, 31), grace_days=30)
    assert not is_expired_by_date(None, date(2099, 1, 1))
    with pytest.raises(ValueError, match="grace_days"):
        expired_from(EXPIRES, grace_days=-1)


@pytest.mark.parametrize("status", [S.SUBMITTED, S.VERIFIED, S.REJECTED])
def test_any_non_revoked_expires_by_date(status: CredentialStatus) -> None:
    state = CredentialState(status, rejection_reason="blurred" if status is S.REJECTED else None)
    after = apply_expiry(state, expires_on=EXPIRES, today=date(2026, 7, 1), grace_days=0)
    assert after.status is S.EXPIRED
    assert after.rejection_reason == state.rejection_reason


def test_apply_expiry_leaves_revoked_and_valid_alone() -> None:
    revoked = CredentialState(S.REVOKED)
    assert apply_expiry(revoked, expires_on=EXPIRES, today=date(2030, 1, 1)) is revoked
    verified = CredentialState(S.VERIFIED)
    assert apply_expiry(verified, expires_on=EXPIRES, today=EXPIRES, grace_days=0) is verified


def test_apply_expiry_is_idempotent() -> None:
    once = apply_expiry(CredentialState(S.VERIFIED), expires_on=EXPIRES, today=date(2027, 1, 1))
    assert apply_expiry(once, expires_on=EXPIRES, today=date(2027, 1, 2)) == once


def test_counts_as_valid_only_when_verified_and_in_date() -> None:
    verified = CredentialState(S.VERIFIED)
    assert counts_as_valid(verified, expires_on=EXPIRES, today=date(2026, 7, 15), grace_days=30)
    assert not counts_as_valid(verified, expires_on=EXPIRES, today=date(2026, 7, 15), grace_days=0)
    assert not counts_as_valid(CredentialState(), expires_on=EXPIRES, today=date(2026, 1, 1))
    assert counts_as_valid(verified, expires_on=None, today=date(2099, 1, 1))
