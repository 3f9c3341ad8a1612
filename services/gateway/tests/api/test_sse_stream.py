"""The event feed as Server-Sent Events, served by a real uvicorn: resume from Last-Event-ID,
new events arrive while connected, keep-alive pings, and 410 for a cursor past retention."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gateway.adapters.tables.buyers import supply_base
from gateway.service_layer.fanout import fan_out
from launcher.paths import free_port
from launcher.tenants import Tenant, Tenants
from launcher.testing import wait_until
from shared.contracts.scoring import ComplianceScoreChanged
from shared.events import Event

SCORE = ComplianceScoreChanged.event_type


@pytest.fixture(scope="module")
def base_url(make_app: Callable[..., TestClient], api: TestClient) -> Iterator[str]:
    """The app (state built by its TestClient's lifespan) also served over real HTTP by uvicorn."""
    client = make_app(
        token_signing_key=api.app.state.gateway_settings.token_signing_key,  # type: ignore[attr-defined]
        feed_poll_interval_s=0.1,
        sse_ping_s=0.5,
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(client.app, port=port, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert wait_until(lambda: server.started, timeout_s=30)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def buyer_with(tenants: Tenants, engine: Engine, supplier: uuid.UUID) -> Tenant:
    buyer = tenants.buyer()
    with engine.begin() as conn:
        conn.execute(
            supply_base.insert().values(buyer_id=uuid.UUID(buyer.organisation_id), supplier_id=supplier)
        )
    return buyer


def publish(engine: Engine, supplier: uuid.UUID) -> Event:
    data = ComplianceScoreChanged(
        supplier_id=supplier,
        year=2026,
        model_version="t",
        score=Decimal("70.00"),
        band="Qualified",
        reason="r",
    )
    event = Event(uuid.uuid4(), SCORE, "/test", datetime.now(UTC), None, data)
    fan_out(event, engine=engine)
    return event


def read_stream(lines: Iterator[str], wanted: int, timeout_s: float = 30) -> tuple[list[dict], list[str]]:
    """Parse SSE frames until `wanted` events arrived; returns the events and the comment lines."""
    received: list[dict] = []
    comments: list[str] = []
    frame: dict[str, str] = {}
    deadline = time.monotonic() + timeout_s
    for line in lines:
        if line.startswith(":"):
            comments.append(line)
        elif line == "" and "data" in frame:
            received.append(frame)
            frame = {}
        elif ":" in line:
            name, value = line.split(":", 1)
            frame[name] = value.removeprefix(" ")
        if len(received) >= wanted or time.monotonic() > deadline:
            break
    return received, comments


def test_stream_resumes_from_last_event_id_and_follows_new_events(base_url, api_tenants, engine):
    supplier = uuid.uuid4()
    buyer = buyer_with(api_tenants, engine, supplier)
    published = [publish(engine, supplier) for _ in range(3)]

    with httpx.Client(base_url=base_url, headers=buyer.headers, timeout=30) as http:
        with http.stream("GET", "/v1/events/stream") as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            first, _ = read_stream(response.iter_lines(), 3)
        assert [json.loads(e["data"])["id"] for e in first] == [str(e.id) for e in published]
        assert [e["id"] for e in first] == [str(json.loads(e["data"])["sequence"]) for e in first]
        assert {e["event"] for e in first} == {SCORE}

        with http.stream("GET", "/v1/events/stream", headers={"Last-Event-ID": first[1]["id"]}) as response:
            lines = response.iter_lines()
            [resumed], _ = read_stream(lines, 1)
            later = publish(engine, supplier)
            [live], _ = read_stream(lines, 1)
        assert resumed["id"] == first[2]["id"]
        assert json.loads(live["data"])["id"] == str(later.id)


def test_idle_stream_sends_keep_alive_pings(base_url, api_tenants, engine):
    buyer = buyer_with(api_tenants, engine, uuid.uuid4())
    with (
        httpx.Client(base_url=base_url, headers=buyer.headers, timeout=30) as http,
        http.stream("GET", "/v1/events/stream") as response,
    ):
        _, comments = read_stream(iter_until_pings(response.iter_lines(), 2), 1)
    assert sum(c.startswith(": ping") for c in comments) == 2


def iter_until_pings(lines: Iterator[str], count: int) -> Iterator[str]:
    seen = 0
    for line in lines:
        yield line
        seen += line.startswith(": ping")
        if seen >= count:
            return


def test_bad_last_event_id_is_a_problem(base_url, api_tenants, engine):
    buyer = buyer_with(api_tenants, engine, uuid.uuid4())
    with httpx.Client(base_url=base_url, headers=buyer.headers, timeout=30) as http:
        response = http.get("/v1/events/stream", headers={"Last-Event-ID": "abc"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["pointer"] == "#/header/last-event-id"
