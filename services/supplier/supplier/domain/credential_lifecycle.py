"""Verification lifecycle of a credential, as pure transitions on an immutable state.

::

    submitted ──verify──► verified ──revoke──► revoked (final)
        │
        └──reject(reason)──► rejected

    submitted / verified / rejected ──(date passes expiry + grace)──► expired (final)

A credential's expiry date is its last valid day. With ``grace_days`` it keeps
counting that many days longer; on the day after that it is expired. Revoked and
expired are final: a renewed certificate is uploaded as a new credential.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Self

from supplier.domain.errors import SupplierError

DEFAULT_GRACE_DAYS = 30


class CredentialStatus(StrEnum):
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"
    REVOKED = "revoked"
    EXPIRED = "expired"


_S = CredentialStatus
ALLOWED_TRANSITIONS: dict[CredentialStatus, frozenset[CredentialStatus]] = {
    _S.SUBMITTED: frozenset({_S.VERIFIED, _S.REJECTED, _S.EXPIRED}),
    _S.VERIFIED: frozenset({_S.REVOKED, _S.EXPIRED}),
    _S.REJECTED: frozenset({_S.EXPIRED}),
    _S.REVOKED: frozenset(),
    _S.EXPIRED: frozenset(),
}


class InvalidTransition(SupplierError):
    """A lifecycle step that the current status does not allow."""

    def __init__(self, current: CredentialStatus, target: CredentialStatus) -> None:
        allowed = ", ".join(sorted(ALLOWED_TRANSITIONS[current])) or "none (final state)"
        super().__init__(f"a {current} credential cannot become {target}; allowed: {allowed}")
        self.current = current
        self.target = target


class ReasonRequired(SupplierError):
    """Rejecting a credential needs a non-blank reason the supplier can act on."""


def check_transition(current: CredentialStatus, target: CredentialStatus) -> None:
    """Raise :class:`InvalidTransition` unless ``current → target`` is allowed."""
    if target not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransition(current, target)


@dataclass(frozen=True, slots=True)
class CredentialState:
    """Status plus the reasons given along the way (kept after expiry, for display)."""

    status: CredentialStatus = CredentialStatus.SUBMITTED
    rejection_reason: str | None = None
    revocation_reason: str | None = None

    def __post_init__(self) -> None:
        # Accept the stored string ("verified") as well as the enum member.
        object.__setattr__(self, "status", CredentialStatus(self.status))

    def verify(self) -> Self:
        check_transition(self.status, CredentialStatus.VERIFIED)
        return replace(self, status=CredentialStatus.VERIFIED)

    def reject(self, reason: str) -> Self:
        if not reason or not reason.strip():
            raise ReasonRequired("a rejection needs a reason")
        check_transition(self.status, CredentialStatus.REJECTED)
        return replace(self, status=CredentialStatus.REJECTED, rejection_reason=reason.strip())

    def revoke(self, reason: str | None = None) -> Self:
        check_transition(self.status, CredentialStatus.REVOKED)
        cleaned = reason.strip() if reason and reason.strip() else None
        return replace(self, status=CredentialStatus.REVOKED, revocation_reason=cleaned)

    def expire(self) -> Self:
        check_transition(self.status, CredentialStatus.EXPIRED)
        return replace(self, status=CredentialStatus.EXPIRED)


def expired_from(expires_on: date, grace_days: int = DEFAULT_GRACE_DAYS) -> date:
    """The first day on which a credential expiring on ``expires_on`` counts as expired."""
    if grace_days < 0:
        raise ValueError(f"grace_days must be >= 0, got {grace_days}")
    return expires_on + timedelta(days=grace_days + 1)


def is_expired_by_date(expires_on: date | None, today: date, grace_days: int = DEFAULT_GRACE_DAYS) -> bool:
    """True once ``today`` is past expiry plus grace; a credential without expiry never expires."""
    return expires_on is not None and today >= expired_from(expires_on, grace_days)


def apply_expiry(
    state: CredentialState,
    *,
    expires_on: date | None,
    today: date,
    grace_days: int = DEFAULT_GRACE_DAYS,
) -> CredentialState:
    """The state after a date check: expired if due and allowed, otherwise unchanged.

    Idempotent, so a daily sweep can run it on every credential (revoked stays revoked).
    """
    if not is_expired_by_date(expires_on, today, grace_days):
        return state
    if CredentialStatus.EXPIRED not in ALLOWED_TRANSITIONS[state.status]:
        return state
    return state.expire()


def counts_as_valid(
    state: CredentialState,
    *,
    expires_on: date | None,
    today: date,
    grace_days: int = DEFAULT_GRACE_DAYS,
) -> bool:
    """Whether the credential counts as evidence today: verified and not expired by date."""
    return state.status == CredentialStatus.VERIFIED and not is_expired_by_date(expires_on, today, grace_days)
