"""RFC 9457 problem+json for every error a service answers, in one place.

Routes raise domain errors; `install_problem_handlers` maps them. Nothing reaches the client as
a stack trace: an unexpected error is logged with the correlation id and answered as a 500 problem.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logging import current_correlation_id

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class Problem(Exception):
    """An error answered as problem+json: raise it (or a mapped domain error) from anywhere."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.headers = headers
        self.title = title
        self.detail = detail
        self.extensions = extensions


def problem_response(
    status: int, title: str, detail: str | None = None, headers: Mapping[str, str] | None = None, **ext: Any
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(ext)
    body["correlation_id"] = current_correlation_id()
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _pointer(loc: tuple[Any, ...]) -> str:
    # ("body", "uscc") -> "#/uscc"; query and path parameters keep their source as the first segment.
    parts = [str(p) for p in loc[1:]] if loc and loc[0] == "body" else [str(p) for p in loc]
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _validation_problem(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"pointer": _pointer(tuple(e["loc"])), "detail": e["msg"]} for e in exc.errors()]
    if any(e["type"] == "json_invalid" for e in exc.errors()):
        return problem_response(400, "Malformed JSON", "The request body is not valid JSON.", errors=errors)
    return problem_response(422, "Invalid request", "Some fields are missing or invalid.", errors=errors)


def _http_problem(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Request failed")
    return problem_response(exc.status_code, title, detail, headers=exc.headers)


def _raised_problem(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(exc.status, exc.title, exc.detail, headers=exc.headers, **exc.extensions)


def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem_response(
        500, "Internal error", "Something went wrong on our side; quote the correlation id."
    )


def install_problem_handlers(
    app: FastAPI, domain_errors: Mapping[type[Exception], tuple[int, str]] | None = None
) -> None:
    """Answer every error as problem+json; `domain_errors` maps error classes to (status, title)."""
    app.add_exception_handler(RequestValidationError, _validation_problem)
    app.add_exception_handler(StarletteHTTPException, _http_problem)
    app.add_exception_handler(Problem, _raised_problem)
    app.add_exception_handler(Exception, _unexpected)
    for error_class, (status, title) in (domain_errors or {}).items():
        app.add_exception_handler(error_class, _domain_handler(status, title))


def _domain_handler(status: int, title: str) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handle(_request: Request, exc: Exception) -> JSONResponse:
        return problem_response(status, title, str(exc), **getattr(exc, "extensions", {}))

    return handle


class BodySizeLimit:
    """Refuses bodies over the limit with 413, by Content-Length and while streaming chunked bodies.

    Upload routes (paths matching `upload_paths`) get the larger `upload_max_bytes`; every other
    route keeps the small JSON limit, so a large body cannot be sent where none is expected.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        upload_max_bytes: int | None = None,
        upload_paths: str | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes or max_bytes
        self.upload_paths = re.compile(upload_paths) if upload_paths else None

    def limit_for(self, path: str) -> int:
        if self.upload_paths is not None and self.upload_paths.match(path):
            return self.upload_max_bytes
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(limit, scope, receive, send)
            return
        received = 0
        too_large = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                # Frameworks turn errors raised here into 400s; a disconnect stops the app reading instead.
                too_large = True
                return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large:
                return  # the app's answer to a cut-off body is replaced by the 413 below
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await self._too_large(limit, scope, receive, send)

    @staticmethod
    async def _too_large(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(413, "Request body too large", f"The limit is {limit} bytes.")
        await response(scope, receive, send)
