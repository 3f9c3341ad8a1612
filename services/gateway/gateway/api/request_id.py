"""`X-Request-ID` on every answer: the caller's own id when it is sane, else the correlation id.

shared.observability already takes an incoming `X-Request-ID` as the correlation id (logs, upstream
calls, Kafka headers) and answers `X-Correlation-ID`; this adds the `X-Request-ID` name callers
expect, and drops an incoming id that is not a short visible-ASCII token so it never reaches logs.
"""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logging import CORRELATION_HEADER

HEADER = "X-Request-ID"
_SANE = re.compile(rb"^[A-Za-z0-9._:@/+=-]{1,100}$")


class RequestIdHeader:
    """Pure ASGI middleware; install it outside shared.observability's correlation middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        name = HEADER.lower().encode()
        incoming = next((v for k, v in scope["headers"] if k == name), None)
        if incoming is not None and not _SANE.match(incoming):
            scope = dict(scope, headers=[(k, v) for k, v in scope["headers"] if k != name])
            incoming = None

        async def with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                value = incoming.decode() if incoming else headers.get(CORRELATION_HEADER)
                if value:
                    headers[HEADER] = value
            await send(message)

        await self.app(scope, receive, with_request_id)
