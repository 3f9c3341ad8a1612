"""Prometheus metrics, request correlation, and the /healthz, /readyz and /metrics routes.

A service runs several processes (API, relay, consumer). When PROMETHEUS_MULTIPROC_DIR is set, each
writes its samples there and the API's /metrics reports them all.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from shared.logging import CORRELATION_HEADER, correlation_id
from shared.problems import problem_response

HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests answered", ["method", "route", "status"])
HTTP_LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["method", "route"])
EVENTS_PUBLISHED = Counter("events_published_total", "Events the outbox relay published", ["topic"])
EVENTS_CONSUMED = Counter("events_consumed_total", "Events consumed and committed", ["topic", "consumer"])
EVENTS_DEAD_LETTERED = Counter(
    "events_dead_lettered_total", "Events sent to a .dlq topic", ["topic", "consumer"]
)
CONSUMER_LAG = Gauge(
    "consumer_lag_messages",
    "Records behind the end of the partition",
    ["consumer", "topic", "partition"],
    multiprocess_mode="liveall",
)
OUTBOX_BACKLOG = Gauge("outbox_backlog_rows", "Outbox rows not yet published", multiprocess_mode="mostrecent")

ReadinessCheck = Callable[[], None]  # raises when the dependency is not reachable


def install_observability(app: FastAPI, checks: dict[str, ReadinessCheck]) -> None:
    """Correlation ids and request metrics on every request, plus the operational routes."""
    app.middleware("http")(_correlate_and_measure)
    app.include_router(_operations_router(checks))


async def _correlate_and_measure(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    incoming = request.headers.get(CORRELATION_HEADER) or request.headers.get("X-Request-ID")
    token = correlation_id.set(incoming if incoming and len(incoming) <= 100 else uuid.uuid4().hex)
    started = time.perf_counter()
    try:
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        HTTP_REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        HTTP_LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        response.headers[CORRELATION_HEADER] = correlation_id.get() or ""
        return response
    finally:
        correlation_id.reset(token)


def _operations_router(checks: dict[str, ReadinessCheck]) -> APIRouter:
    router = APIRouter(tags=["operations"], include_in_schema=False)

    @router.get("/healthz")
    def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

    @router.get("/readyz", response_model=None)
    async def readyz() -> dict[str, object] | Response:
        """The database and Kafka are reachable."""
        failures = {}
        for name, check in checks.items():
            try:
                await run_in_threadpool(check)
            except Exception as error:
                failures[name] = f"{type(error).__name__}: {error}"[:300]
        if failures:
            return problem_response(
                503,
                "Not ready",
                "A dependency is unreachable.",
                failures=failures,
                headers={"Retry-After": "5"},
            )
        return {"status": "ready", "checks": sorted(checks)}

    @router.get("/metrics")
    def metrics() -> Response:
        """Prometheus metrics of every process of this service."""
        return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)

    return router


def _registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        from prometheus_client import REGISTRY

        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry
