"""Authorisation of the public API: who is calling (a Principal) and may they use this route.

Routes declare their scope: ``p: Annotated[Principal, Depends(authorise("compliance:read"))]``.
No token or a bad one answers 401; a token without the scope answers 403. Tenant checks (a foreign id
answers 404) belong to the service layer, which receives the Principal.

TRANSITIONAL: until OAuth2 client-credentials tokens land (#5), the static DEV_API_TOKEN maps to a
platform principal holding every scope.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.api import bearer_matches
from shared.problems import Problem

OrganisationKind = Literal["buyer", "supplier", "platform"]
SCOPES: dict[str, str] = {
    "compliance:read": "read compliance of suppliers in the caller's supply base",
    "suppliers:write": "register and update the caller's supplier record, sites, yearly data, footprints",
    "credentials:write": "submit credentials and upload their documents",
    "policies:write": "manage the buyer's supply base and policies, run procurement checks",
    "subscriptions:write": "manage webhook subscriptions and read deliveries and the event feed",
    "reviews:write": "verify, reject and revoke credentials",
    "admin": "manage organisations and clients",
}
DEV_PLATFORM_ID = UUID(int=0)

_bearer = HTTPBearer(auto_error=False, description="Bearer token from POST /v1/oauth/token")


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: an API client of one organisation, with the scopes of its token."""

    client_id: UUID
    organisation_id: UUID
    kind: OrganisationKind
    supplier_id: UUID | None
    scopes: frozenset[str]


def _unauthorised() -> Problem:
    return Problem(
        401, "Unauthorized", "Send 'Authorization: Bearer <token>'.", headers={"WWW-Authenticate": "Bearer"}
    )


def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if not bearer_matches(credentials, request.app.state.dev_api_token):
        raise _unauthorised()
    return Principal(DEV_PLATFORM_ID, DEV_PLATFORM_ID, "platform", None, frozenset(SCOPES))


def authorise(scope: str) -> Callable[[Principal], Principal]:
    """A dependency admitting callers whose token carries ``scope``; it returns the Principal."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if scope not in principal.scopes:
            raise Problem(403, "Forbidden", f"This route needs the scope '{scope}'.")
        return principal

    return dependency


def require_caller(principal: Annotated[Principal, Depends(current_principal)]) -> None:
    """Any authenticated caller (routes that have not declared a scope yet)."""
