"""Authorisation of the public API: who is calling (a Principal) and may they use this route.

Routes declare their scope: ``p: Annotated[Principal, Depends(authorise("compliance:read"))]``.
No token or a bad one answers 401; a token without the scope answers 403. Tenant checks (a foreign id
answers 404) belong to the service layer, which receives the Principal (see
gateway.service_layer.access for the supplier rules).

Bearer tokens are the gateway's own short-lived JWTs from POST /v1/oauth/token. Besides signature and
expiry, every request checks that the client is still enabled: one primary-key lookup, so disabling a
client takes effect at once instead of when its last token expires.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gateway.service_layer.access import SCOPES, OrganisationKind, Principal
from gateway.service_layer.tenants import client_enabled
from gateway.service_layer.tokens import InvalidToken, TokenSigner
from shared.problems import Problem

__all__ = ["SCOPES", "OrganisationKind", "Principal", "authorise", "current_principal"]

_bearer = HTTPBearer(auto_error=False, description="Bearer token from POST /v1/oauth/token")


def _unauthorised(detail: str, *, presented: bool = True) -> Problem:
    # RFC 6750 §3.1: name the error only when a token was presented.
    challenge = (
        'Bearer realm="greenchain", error="invalid_token"' if presented else 'Bearer realm="greenchain"'
    )
    return Problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": challenge})


async def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The caller named by a valid, unexpired token of an enabled client; otherwise 401."""
    if credentials is None:
        raise _unauthorised(
            "Send 'Authorization: Bearer <token>' with a token from POST /v1/oauth/token.", presented=False
        )
    signer: TokenSigner = request.app.state.token_signer
    try:
        claims = signer.verify(credentials.credentials)
    except InvalidToken as error:
        raise _unauthorised(f"The token is not valid: {error}.") from error
    engine = request.app.state.engine
    if not await run_in_threadpool(client_enabled, client_id=claims.client_id, engine=engine):
        raise _unauthorised("The token's client is disabled.")
    kind: OrganisationKind = claims.kind  # type: ignore[assignment]  # checked by TokenSigner.verify
    return Principal(claims.client_id, claims.organisation_id, kind, claims.supplier_id, claims.scopes)


def authorise(scope: str) -> Callable[[Principal], Principal]:
    """A dependency admitting callers whose token carries ``scope``; it returns the Principal."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if scope not in principal.scopes:
            raise Problem(403, "Forbidden", f"This route needs the scope '{scope}'.")
        return principal

    dependency.scope = scope  # type: ignore[attr-defined]  # lets tests read a route's scope
    return dependency
