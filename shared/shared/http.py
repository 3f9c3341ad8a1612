"""The httpx client every internal call uses: timeouts, the service credential, the correlation id,
and retries on idempotent calls only (a POST is never sent twice by this layer)."""

from __future__ import annotations

import time

import httpx

from shared.logging import CORRELATION_HEADER, current_correlation_id

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRIED_STATUSES = frozenset({502, 503, 504})


class RetryingTransport(httpx.BaseTransport):
    """Retries idempotent requests on connection errors and 502/503/504, with a short backoff."""

    def __init__(self, inner: httpx.BaseTransport, *, attempts: int = 3, backoff_s: float = 0.1) -> None:
        self.inner = inner
        self.attempts = attempts
        self.backoff_s = backoff_s

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method not in IDEMPOTENT_METHODS:
            return self.inner.handle_request(request)
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.inner.handle_request(request)
            except httpx.TransportError:
                if attempt == self.attempts:
                    raise
            else:
                if response.status_code not in RETRIED_STATUSES or attempt == self.attempts:
                    return response
                response.close()
            time.sleep(self.backoff_s * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.inner.close()


def _add_correlation_id(request: httpx.Request) -> None:
    request.headers.setdefault(CORRELATION_HEADER, current_correlation_id())


def make_http_client(base_url: str, *, token: str | None = None, timeout_s: float = 5.0) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(
        base_url=base_url,
        headers=headers,
        timeout=httpx.Timeout(timeout_s, connect=2.0),
        transport=RetryingTransport(httpx.HTTPTransport()),
        event_hooks={"request": [_add_correlation_id]},
    )
