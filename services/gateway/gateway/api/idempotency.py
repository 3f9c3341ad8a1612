"""`Idempotency-Key` for creating POSTs: a retried request is answered, not repeated.

The first request with a key runs and its answer (status, body, headers) is stored with a fingerprint
of the request, in the same transaction as the effect, so a crash cannot leave one without the other.
The same key and body later get the stored answer (``Idempotent-Replayed: true``) without running
again; the same key with a different body is a 422. Concurrent requests with one key are serialised
by an advisory lock: the second waits and then replays. Keys are per API client and kept
``idempotency_ttl_h`` (24 h by default).

Use in a route::

    return respond_idempotently(request, principal, key, body, create=lambda conn: ...)
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, delete, select, text

from gateway.adapters.tables.buyers import idempotency_keys
from gateway.service_layer.access import Principal
from shared.problems import Problem

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as Stripe and the IETF draft allow
Created = tuple[int, Any, dict[str, str]]  # status, JSON-able body, headers (e.g. Location)


def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            description="Any unique string (a UUID is ideal) to make retries of this POST safe for 24 h",
            examples=["5f0c7c4e-1f7b-4a47-9b8e-0d1f2a3b4c5d"],
        ),
    ] = None,
) -> str | None:
    if key is not None and not _KEY.match(key):
        detail = "Use 1-255 visible ASCII characters."
        raise Problem(
            400,
            "Invalid Idempotency-Key",
            detail,
            errors=[{"pointer": f"#/header/{HEADER}", "detail": detail}],
        )
    return key


def fingerprint(request: Request, body: Any) -> str:
    """The request's identity: method, path and canonical JSON body."""
    canonical = json.dumps(
        [request.method, request.url.path, jsonable_encoder(body)], sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def respond_idempotently(
    request: Request,
    principal: Principal,
    key: str | None,
    body: Any,
    *,
    create: Callable[[Connection], Created],
) -> JSONResponse:
    """Run ``create`` in a transaction (once per key), or replay the answer stored for the key."""
    engine = request.app.state.engine
    if key is None:
        with engine.begin() as conn:
            status, content, headers = create(conn)
        return JSONResponse(jsonable_encoder(content), status_code=status, headers=headers)
    request_hash = fingerprint(request, body)
    with engine.begin() as conn:
        conn.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
            {"k": f"idempotency:{principal.client_id}:{key}"},
        )
        stored = _stored(conn, principal, key, ttl_h=request.app.state.idempotency_ttl_h)
        if stored is not None:
            return _replay(stored, request_hash)
        status, content, headers = create(conn)
        content = jsonable_encoder(content)
        conn.execute(
            idempotency_keys.insert().values(
                client_id=principal.client_id,
                key=key,
                request_hash=request_hash,
                response_status=status,
                response_body=content,
                response_headers=headers,
            )
        )
    return JSONResponse(content, status_code=status, headers=headers)


def _stored(conn: Connection, principal: Principal, key: str, *, ttl_h: float) -> Any:
    """The live stored answer for the key; expired answers of this client are purged first."""
    cutoff = datetime.now(UTC) - timedelta(hours=ttl_h)
    conn.execute(
        delete(idempotency_keys).where(
            idempotency_keys.c.client_id == principal.client_id, idempotency_keys.c.created_at < cutoff
        )
    )
    return conn.execute(
        select(idempotency_keys).where(
            idempotency_keys.c.client_id == principal.client_id, idempotency_keys.c.key == key
        )
    ).first()


def _replay(stored: Any, request_hash: str) -> JSONResponse:
    if stored.request_hash != request_hash:
        detail = f"This {HEADER} was used with a different request; use a new key for a new request."
        raise Problem(
            422,
            "Idempotency-Key reused",
            detail,
            errors=[{"pointer": f"#/header/{HEADER}", "detail": detail}],
        )
    headers = dict(stored.response_headers) | {"Idempotent-Replayed": "true"}
    return JSONResponse(stored.response_body, status_code=stored.response_status, headers=headers)
