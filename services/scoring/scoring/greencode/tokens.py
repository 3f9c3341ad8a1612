"""Compact JWS over a statement, and its verification with nothing but a JWKS (offline-capable).

Signed with Ed25519. The header names the algorithm ``Ed25519``, the fully-specified identifier of
RFC 9864, which deprecates the polymorphic ``EdDSA``; verification accepts both for verifiers that
still emit the older name. The payload carries JWT-style claims (iss, jti, iat, exp).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from pydantic import ValidationError

from scoring.greencode.keys import SigningKey
from scoring.greencode.statements import Statement, parse_statement

ALGORITHM = "Ed25519"
ACCEPTED_ALGORITHMS = ["Ed25519", "EdDSA"]


class Verdict(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_KEY = "unknown_key"
    RETIRED_KEY = "retired_key"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    detail: str
    kid: str | None = None
    statement: Statement | None = None

    @property
    def signature_valid(self) -> bool:
        return self.verdict in (Verdict.VALID, Verdict.EXPIRED)


def sign(statement: Statement, key: SigningKey) -> str:
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": "JWT"}
    payload = statement.model_dump_json().encode()
    return jws.serialize_compact(header, payload, key.key, algorithms=[ALGORITHM])


def verify(
    token: str, jwks: KeySet, *, now: datetime, retired_kids: frozenset[str] = frozenset()
) -> Verification:
    """Check the signature against ``jwks`` and the validity period at ``now``."""
    header = _header(token)
    if header is None:
        return Verification(Verdict.MALFORMED, "not a compact JWS")
    kid = header.get("kid")
    if not isinstance(kid, str) or header.get("alg") not in ACCEPTED_ALGORITHMS:
        return Verification(Verdict.MALFORMED, "the header needs an Ed25519 alg and a kid", None)
    if kid in retired_kids:
        return Verification(Verdict.RETIRED_KEY, f"signed by key {kid}, which has been retired", kid)
    if not any(key.kid == kid for key in jwks.keys):
        return Verification(Verdict.UNKNOWN_KEY, f"no published key has kid {kid}", kid)
    try:
        payload = jws.deserialize_compact(token, jwks, algorithms=ACCEPTED_ALGORITHMS).payload
    except JoseError:
        return Verification(Verdict.BAD_SIGNATURE, "the signature does not match the content", kid)
    try:
        statement = parse_statement(payload)
    except ValidationError:
        return Verification(Verdict.MALFORMED, "the signed content is not a greenchain statement", kid)
    if statement.exp <= now.timestamp():
        return Verification(
            Verdict.EXPIRED, f"valid until {statement.valid_until.isoformat()}", kid, statement
        )
    return Verification(Verdict.VALID, "signature valid", kid, statement)


def _header(token: str) -> dict[str, Any] | None:
    try:
        return dict(jws.extract_compact(token.encode()).headers())
    except (JoseError, ValueError):
        return None
