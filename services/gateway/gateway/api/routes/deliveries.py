"""The delivery log of one of your endpoints, manual redelivery, and replay of a time range."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from gateway.api.security import Principal, authorise
from gateway.service_layer import deliveries as service

MAX_SEQ = 2**63 - 1  # a PostgreSQL bigint
router = APIRouter(prefix="/v1/subscriptions/{subscription_id}", tags=["deliveries"])
Caller = Annotated[Principal, Depends(authorise("subscriptions:write"))]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such subscription or delivery"}}


class AttemptRead(BaseModel):
    attempted_at: datetime
    status_code: int | None = Field(description="The endpoint's HTTP status; null if none came back")
    latency_ms: int
    error: str | None = Field(description="Why no status came back (timeout, refused address, ...)")
    response_excerpt: str | None = Field(description="The first 500 characters of the answer")


class DeliveryRead(BaseModel):
    id: UUID
    event_id: UUID = Field(description="Also the webhook-id header, the same on every attempt")
    event_type: str
    event_sequence: int
    supplier_id: UUID | None
    status: Literal["pending", "delivered", "dead"]
    attempts: int = Field(description="Attempts since the delivery was last (re)queued")
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    attempt_log: list[AttemptRead] = Field(description="Every attempt ever made, oldest first")


class DeliveryPage(BaseModel):
    data: list[DeliveryRead]
    next_cursor: str | None
    has_more: bool


class Replay(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={"examples": [{"from": "2026-11-01T00:00:00Z", "to": "2026-11-02T00:00:00Z"}]},
    )
    since: AwareDatetime = Field(alias="from", description="Events that occurred at or after this")
    until: AwareDatetime = Field(alias="to", description="... and before this")

    @model_validator(mode="after")
    def _ordered(self) -> Replay:
        if self.until <= self.since:
            raise ValueError("'to' must be after 'from'")
        return self


class ReplayQueued(BaseModel):
    queued: int = Field(description="Deliveries queued again")


@router.get("/deliveries", responses=NOT_FOUND)
def list_deliveries(
    subscription_id: UUID,
    request: Request,
    principal: Caller,
    cursor: Annotated[
        int | None, Query(ge=0, le=MAX_SEQ, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    status: Literal["pending", "delivered", "dead"] | None = None,
) -> DeliveryPage:
    """The endpoint's deliveries, newest event first, each with every attempt: status, latency and
    an excerpt of the answer."""
    found, has_more = service.list_deliveries(
        organisation_id=principal.organisation_id,
        subscription_id=subscription_id,
        before=cursor,
        limit=limit,
        status=status,
        engine=request.app.state.engine,
    )
    data = [DeliveryRead.model_validate(d, from_attributes=True) for d in found]
    next_cursor = str(found[-1].event_sequence) if has_more else None
    return DeliveryPage(data=data, next_cursor=next_cursor, has_more=has_more)


@router.post("/deliveries/{delivery_id}/redeliver", status_code=202, responses=NOT_FOUND)
def redeliver(subscription_id: UUID, delivery_id: UUID, request: Request, principal: Caller) -> DeliveryRead:
    """Send one event again now, with the same webhook-id, whatever happened to it before."""
    found = service.redeliver(
        organisation_id=principal.organisation_id,
        subscription_id=subscription_id,
        delivery_id=delivery_id,
        engine=request.app.state.engine,
    )
    return DeliveryRead.model_validate(found, from_attributes=True)


@router.post("/replay", status_code=202, responses=NOT_FOUND)
def replay(subscription_id: UUID, body: Replay, request: Request, principal: Caller) -> ReplayQueued:
    """Send again every event of your feed that occurred in [from, to) and matches this
    subscription's filters (for example after re-enabling it). Order per supplier is kept."""
    queued = service.replay(
        organisation_id=principal.organisation_id,
        subscription_id=subscription_id,
        since=body.since,
        until=body.until,
        engine=request.app.state.engine,
    )
    return ReplayQueued(queued=queued)
