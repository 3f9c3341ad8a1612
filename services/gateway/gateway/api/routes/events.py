"""The buyer's event feed: a cursor-paged list and a Server-Sent Events stream of the same events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, StringConstraints
from sse_starlette import EventSourceResponse, ServerSentEvent

from gateway.api.security import Principal, authorise
from gateway.service_layer.feed import FeedPage, read_feed
from shared.problems import Problem

router = APIRouter(prefix="/v1/events", tags=["events"])
Caller = Annotated[Principal, Depends(authorise("subscriptions:write"))]
LastEventId = Annotated[str | None, Header(description="Resume after this event (browsers set it)")]
EventType = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]+$", max_length=200)]
Types = Annotated[
    list[EventType] | None, Query(alias="type", description="Only these event types (repeatable)")
]
GONE: dict[int | str, dict[str, Any]] = {410: {"description": "The cursor is older than the retention"}}
STREAM_PAGE = 100
MAX_SEQ = 2**63 - 1  # a PostgreSQL bigint
RECONNECT_MS = 3000


class FeedEventRead(BaseModel):
    sequence: int = Field(description="Position in your feed; a cursor, and the SSE event id")
    id: UUID = Field(description="The event id, also the webhook-id of its webhooks")
    type: str
    supplier_id: UUID | None
    occurred_at: datetime
    data: dict[str, Any]


class FeedPageRead(BaseModel):
    data: list[FeedEventRead]
    next_cursor: str = Field(description="Pass as `cursor` to continue; returned even on an empty page")
    has_more: bool


def _read(
    request: Request, principal: Principal, cursor: int | None, limit: int, types: list[str]
) -> FeedPage:
    return read_feed(
        organisation_id=principal.organisation_id,
        cursor=cursor,
        limit=limit,
        event_types=types,
        retention_days=request.app.state.gateway_settings.event_retention_days,
        engine=request.app.state.engine,
    )


@router.get("", responses=GONE)
def list_events(
    request: Request,
    principal: Caller,
    cursor: Annotated[
        int | None, Query(ge=0, le=MAX_SEQ, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    event_types: Types = None,
) -> FeedPageRead:
    """Your events in order: those about suppliers that were in your supply base when they happened,
    and the gateway's notices about your endpoints. Kept for the retention period (default 30 days)."""
    page = _read(request, principal, cursor, limit, event_types or [])
    data = [FeedEventRead.model_validate(e, from_attributes=True) for e in page.events]
    return FeedPageRead(data=data, next_cursor=str(page.next_cursor), has_more=page.has_more)


def _start(last_event_id: str | None, cursor: int | None) -> int | None:
    if last_event_id is None:
        return cursor
    if not (last_event_id.isascii() and last_event_id.isdigit()) or int(last_event_id) > MAX_SEQ:
        raise Problem(
            422,
            "Invalid request",
            "Last-Event-ID must be an event sequence number.",
            errors=[{"pointer": "#/header/last-event-id", "detail": "not a sequence number"}],
        )
    return int(last_event_id)


@router.get("/stream", responses=GONE | {200: {"content": {"text/event-stream": {}}}})
async def stream_events(
    request: Request,
    principal: Caller,
    cursor: Annotated[int | None, Query(ge=0, le=MAX_SEQ, description="Start after this sequence")] = None,
    event_types: Types = None,
    last_event_id: Annotated[
        str | None, Header(description="Resume after this event (set by browsers)")
    ] = None,
) -> EventSourceResponse:
    """The feed as Server-Sent Events: each event's `id` is its sequence, so a reconnecting client
    resumes with `Last-Event-ID`. Comment pings keep idle connections open."""
    types = event_types or []
    settings = request.app.state.gateway_settings
    first = await run_in_threadpool(
        _read, request, principal, _start(last_event_id, cursor), STREAM_PAGE, types
    )  # a cursor past retention answers 410 here, before the stream starts

    async def events() -> AsyncIterator[ServerSentEvent]:
        page = first
        yield ServerSentEvent(comment="greenchain event feed", retry=RECONNECT_MS)
        while not await request.is_disconnected():
            for event in page.events:
                body = FeedEventRead.model_validate(event, from_attributes=True)
                yield ServerSentEvent(body.model_dump_json(), event=event.type, id=str(event.sequence))
            if not page.has_more:
                await asyncio.sleep(settings.feed_poll_interval_s)
            page = await run_in_threadpool(_read, request, principal, page.next_cursor, STREAM_PAGE, types)

    return EventSourceResponse(events(), ping=settings.sse_ping_s)
