"""What every service's FastAPI app has: problem+json errors, a body limit, observability,
and the internal service credential on every route but the operational ones."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.observability import ReadinessCheck, install_observability
from shared.problems import BodySizeLimit, Problem, install_problem_handlers

_bearer = HTTPBearer(auto_error=False)


def bearer_matches(credentials: HTTPAuthorizationCredentials | None, expected: str) -> bool:
    """Whether the presented bearer token is `expected`, compared in constant time."""
    return credentials is not None and hmac.compare_digest(
        credentials.credentials.encode(), expected.encode()
    )


def require_internal_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    """Internal services answer only callers holding the service credential."""
    if not bearer_matches(credentials, request.app.state.internal_token):
        raise Problem(
            401,
            "Unauthorized",
            "This internal service needs the service credential.",
        )


def configure_app(
    app: FastAPI,
    *,
    max_body_bytes: int,
    upload_max_bytes: int | None = None,
    upload_paths: str | None = None,
    checks: dict[str, ReadinessCheck],
    domain_errors: Mapping[type[Exception], tuple[int, str]] | None = None,
) -> None:
    install_problem_handlers(app, domain_errors)
    install_observability(app, checks)
    app.add_middleware(
        BodySizeLimit, max_bytes=max_body_bytes, upload_max_bytes=upload_max_bytes, upload_paths=upload_paths
    )
