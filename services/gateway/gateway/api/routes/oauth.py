"""OAuth 2.0 client-credentials token endpoint (RFC 6749 §4.4)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated
from urllib.parse import unquote_plus

from fastapi import APIRouter, Form, Request, Response
from pydantic import BaseModel, Field

from gateway.service_layer.tenants import InvalidClient, authenticate_client
from gateway.service_layer.tokens import Claims, InvalidScope, TokenSigner, narrow_scopes
from shared.problems import Problem

router = APIRouter(prefix="/v1/oauth", tags=["oauth"])
OAUTH_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class TokenResponse(BaseModel):
    access_token: str = Field(description="Bearer token for the Authorization header")
    token_type: str = Field(default="Bearer", examples=["Bearer"])
    expires_in: int = Field(description="Seconds until the token expires", examples=[900])
    scope: str = Field(description="Space-separated scopes the token carries", examples=["compliance:read"])


def oauth_error(status: int, error: str, description: str, basic: bool = False) -> Problem:
    """An RFC 6749 §5.2 error (`error`, `error_description`) inside an RFC 9457 problem body."""
    headers = dict(OAUTH_HEADERS)
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="greenchain"' if basic else 'Bearer realm="greenchain"'
    return Problem(status, error, description, headers=headers, error=error, error_description=description)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    """client_id and client_secret from HTTP Basic, form-urlencoded inside as RFC 6749 §2.3.1 says."""
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise oauth_error(401, "invalid_client", "Malformed Basic credentials.", basic=True) from error
    if not sep:
        raise oauth_error(401, "invalid_client", "Malformed Basic credentials.", basic=True)
    return unquote_plus(user), unquote_plus(password)


def _client_credentials(
    request: Request, client_id: str | None, client_secret: str | None
) -> tuple[str, str]:
    basic = _basic_credentials(request)
    if basic is not None and (client_id or client_secret):
        raise oauth_error(400, "invalid_request", "Authenticate with HTTP Basic or the form, not both.")
    if basic is not None:
        return basic
    if not client_id or not client_secret:
        raise oauth_error(401, "invalid_client", "Send client_id and client_secret (HTTP Basic or form).")
    return client_id, client_secret


@router.post(
    "/token",
    responses={
        400: {"description": "invalid_request, invalid_scope or unsupported_grant_type"},
        401: {"description": "invalid_client"},
    },
)
def issue_token(
    request: Request,
    response: Response,
    grant_type: Annotated[
        str | None, Form(description="Must be client_credentials", examples=["client_credentials"])
    ] = None,
    scope: Annotated[
        str | None,
        Form(
            description="Space-separated subset of the client's scopes",
            examples=["compliance:read policies:write"],
        ),
    ] = None,
    client_id: Annotated[str | None, Form(description="Client id, unless sent with HTTP Basic")] = None,
    client_secret: Annotated[
        str | None, Form(description="Client secret, unless sent with HTTP Basic")
    ] = None,
) -> TokenResponse:
    """Exchange a client's id and secret for a short-lived bearer token (client-credentials grant).

    Send the credentials with HTTP Basic (preferred) or as form fields. `scope` narrows the token to
    some of the client's scopes; without it the token carries all of them.
    """
    if grant_type != "client_credentials":
        error = "invalid_request" if grant_type is None else "unsupported_grant_type"
        raise oauth_error(400, error, "grant_type must be client_credentials.")
    given_id, given_secret = _client_credentials(request, client_id, client_secret)
    try:
        claims = authenticate_client(client_id=given_id, secret=given_secret, engine=request.app.state.engine)
    except InvalidClient as error:
        basic = request.headers.get("authorization", "").lower().startswith("basic")
        raise oauth_error(401, "invalid_client", "Client authentication failed.", basic=basic) from error
    try:
        scopes = narrow_scopes(scope, claims.scopes)
    except InvalidScope as error:
        raise oauth_error(400, "invalid_scope", str(error)) from error
    signer: TokenSigner = request.app.state.token_signer
    issued = signer.issue(
        Claims(claims.client_id, claims.organisation_id, claims.kind, claims.supplier_id, scopes)
    )
    response.headers.update(OAUTH_HEADERS)
    return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in, scope=issued.scope)
