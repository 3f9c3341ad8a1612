"""Authorisation of the public API.

DEVELOPMENT CREDENTIAL: every caller presents one static bearer token (DEV_API_TOKEN). The gateway
issue (#5) replaces this with OAuth2 client-credentials tokens, scopes and tenant isolation.
"""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.api import bearer_matches
from shared.problems import Problem

_bearer = HTTPBearer(auto_error=False, description="Development bearer token (DEV_API_TOKEN)")


def require_caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    if not bearer_matches(credentials, request.app.state.dev_api_token):
        raise Problem(
            401,
            "Unauthorized",
            "Send 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
