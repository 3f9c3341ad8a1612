"""Client secrets and access tokens: pure logic, no I/O.

Secrets are random (`gcs_` + 256 bits), shown once and stored as argon2id hashes: slow on purpose, so a
stolen table does not yield secrets. Access tokens are short-lived JWTs signed with HS256 by the gateway
itself: only the gateway issues and checks them, so a symmetric key is enough (an asymmetric EdDSA pair
would only matter if others verified our tokens offline).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from uuid import UUID

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SECRET_PREFIX = "gcs_"  # noqa: S105 (a prefix, not a secret)
ISSUER = "greenchain-gateway"
ALGORITHM = "HS256"
KINDS = ("buyer", "supplier", "platform")
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (64 MiB, 3 passes)


class InvalidScope(Exception):
    """A requested scope is unknown or beyond what the client was granted."""


class InvalidToken(Exception):
    """A bearer token that is malformed, forged, expired or missing a claim."""


def generate_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


@cache
def dummy_hash() -> str:
    """Verified when a client id is unknown, so a probe cannot tell unknown ids by the answer's time."""
    return _hasher.hash(secrets.token_urlsafe(32))


def secret_matches(secret: str, secret_hash: str) -> bool:
    """Whether `secret` is the one hashed; constant-time within argon2, never raises on a bad hash."""
    try:
        return _hasher.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def narrow_scopes(requested: str | None, granted: frozenset[str]) -> frozenset[str]:
    """RFC 6749 §3.3: no `scope` means all granted scopes; otherwise a subset of them, or InvalidScope."""
    if requested is None or not requested.strip():
        return granted
    wanted = frozenset(requested.split())
    beyond = sorted(wanted - granted)
    if beyond:
        raise InvalidScope(f"not granted to this client: {' '.join(beyond)}")
    return wanted


@dataclass(frozen=True)
class Claims:
    """What an access token says about its bearer."""

    client_id: UUID
    organisation_id: UUID
    kind: str
    supplier_id: UUID | None
    scopes: frozenset[str]


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str


@dataclass(frozen=True)
class TokenSigner:
    """Issues and checks the gateway's access tokens with one HS256 key."""

    key: str
    ttl_s: int

    def issue(self, claims: Claims, *, now: datetime | None = None) -> IssuedToken:
        issued_at = now or datetime.now(UTC)
        scope = " ".join(sorted(claims.scopes))
        payload: dict[str, Any] = {
            "iss": ISSUER,
            "sub": str(claims.client_id),
            "org": str(claims.organisation_id),
            "kind": claims.kind,
            "supplier_id": str(claims.supplier_id) if claims.supplier_id else None,
            "scope": scope,
            "iat": issued_at,
            "exp": issued_at + timedelta(seconds=self.ttl_s),
            "jti": uuid.uuid4().hex,
        }
        return IssuedToken(jwt.encode(payload, self.key, algorithm=ALGORITHM), self.ttl_s, scope)

    def verify(self, token: str) -> Claims:
        """The token's claims if its signature, issuer and expiry hold; else InvalidToken."""
        try:
            payload = jwt.decode(
                token,
                self.key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["iss", "sub", "org", "kind", "scope", "exp", "iat", "jti"]},
            )
            supplier_id = payload.get("supplier_id")
            if payload["kind"] not in KINDS:
                raise ValueError(f"unknown organisation kind {payload['kind']!r}")
            return Claims(
                client_id=UUID(payload["sub"]),
                organisation_id=UUID(payload["org"]),
                kind=str(payload["kind"]),
                supplier_id=UUID(supplier_id) if supplier_id else None,
                scopes=frozenset(str(payload["scope"]).split()),
            )
        except (jwt.PyJWTError, ValueError, TypeError) as error:
            raise InvalidToken(str(error)) from error
