"""Online verification: the signature (as offline) plus the code's standing in the register.

The answer carries the verdict, the status and the signed statement, and nothing else: a revocation
reason or the current scorecard would say more than the supplier chose to show.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from scoring.adapters.tables.greencodes import issued_codes
from scoring.greencode.keys import KeyRing
from scoring.greencode.tokens import Verdict, verify


class CodeNotFound(LookupError):
    def __init__(self, code_id: uuid.UUID) -> None:
        super().__init__(f"No green code or carbon label with id {code_id}.")


def token_of(conn: Connection, code_id: uuid.UUID) -> str:
    token = conn.execute(select(issued_codes.c.token).where(issued_codes.c.id == code_id)).scalar()
    if token is None:
        raise CodeNotFound(code_id)
    return token


def verify_online(conn: Connection, ring: KeyRing, token: str, *, now: datetime) -> dict[str, Any]:
    result = verify(token, ring.public_keyset(now), now=now, retired_kids=ring.retired_kids(now))
    answer: dict[str, Any] = {
        "valid": False,
        "signature": "valid" if result.signature_valid else result.verdict.value,
        "status": None,
        "detail": result.detail,
        "kid": result.kid,
        "statement": None,
    }
    if result.statement is None:
        return answer
    row = conn.execute(
        select(issued_codes.c.status, issued_codes.c.superseded_by).where(
            issued_codes.c.id == result.statement.jti
        )
    ).first()
    status = "unknown" if row is None else row.status
    if result.verdict is Verdict.EXPIRED and status == "current":
        status = "expired"
    answer.update(
        valid=status == "current",
        status=status,
        statement=result.statement.model_dump(mode="json"),
        superseded_by=str(row.superseded_by) if row is not None and row.superseded_by else None,
    )
    return answer
