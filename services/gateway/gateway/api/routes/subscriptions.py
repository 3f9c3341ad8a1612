"""Webhook subscriptions of the calling buyer: create, list, read, update, delete, rotate the secret."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gateway.api.security import Principal, authorise
from gateway.service_layer import subscriptions as service
from shared.contracts.gateway import GATEWAY_EVENTS
from shared.events import CONTRACTS

router = APIRouter(prefix="/v1/subscriptions", tags=["subscriptions"])
Caller = Annotated[Principal, Depends(authorise("subscriptions:write"))]
IfMatch = Annotated[
    str | None, Header(description="The ETag you read; a stale one answers 412 and changes nothing")
]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such subscription of yours"}}
MAX_OVERLAP_S = 7 * 86_400
NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL


def known_event_types() -> set[str]:
    return set(CONTRACTS) | set(GATEWAY_EVENTS)


def _check_types(values: list[str] | None) -> list[str] | None:
    unknown = sorted(set(values or ()) - known_event_types())
    if unknown:
        raise ValueError(f"unknown event types {unknown}; known: {sorted(known_event_types())}")
    return values


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://erp.example.com/hooks/greenchain",
                    "event_types": ["greenchain.compliance.band.changed.v1"],
                    "supplier_ids": None,
                    "description": "ERP vendor master",
                }
            ]
        },
    )
    url: str = Field(max_length=2000, description="https URL that receives signed webhooks")
    event_types: list[str] = Field(min_length=1, max_length=50, description="Event types to receive")
    supplier_ids: list[UUID] | None = Field(
        default=None,
        max_length=1000,
        description="Only these suppliers of your supply base; null (default): the whole supply base",
    )
    description: str | None = Field(default=None, max_length=500, pattern=NO_NUL)

    _types = field_validator("event_types")(_check_types)


class SubscriptionUpdate(BaseModel):
    """Only the fields sent change; `supplier_ids: null` means the whole supply base again."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"enabled": True}]})
    url: str | None = Field(default=None, max_length=2000)
    event_types: list[str] | None = Field(default=None, min_length=1, max_length=50)
    supplier_ids: list[UUID] | None = Field(default=None, max_length=1000)
    description: str | None = Field(default=None, max_length=500, pattern=NO_NUL)
    enabled: bool | None = Field(default=None, description="true re-enables a disabled endpoint")

    _types = field_validator("event_types")(_check_types)

    @model_validator(mode="after")
    def _not_null(self) -> SubscriptionUpdate:
        for name in ("url", "event_types", "enabled"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class SecretRotation(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"overlap_s": 3600}]})
    overlap_s: float | None = Field(
        default=None,
        ge=0,
        le=MAX_OVERLAP_S,
        description="How long the old secret keeps signing too (default: the server's setting)",
    )


class SubscriptionRead(BaseModel):
    id: UUID
    url: str
    event_types: list[str]
    supplier_ids: list[UUID] | None
    description: str | None
    enabled: bool
    disabled_reason: str | None = Field(description="manual, gone (the endpoint answered 410) or failing")
    failing_since: datetime | None = Field(description="Start of the current run of failed attempts")
    previous_secret_expires_at: datetime | None = Field(
        description="Until then, webhooks carry a signature with the previous secret too"
    )
    version: int
    created_at: datetime
    updated_at: datetime
    secret: str | None = Field(
        default=None, description="The whsec_ signing secret; shown only at creation and rotation"
    )


class SubscriptionPage(BaseModel):
    data: list[SubscriptionRead]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")
    has_more: bool


def _answer(found: service.Subscription, response: Response) -> SubscriptionRead:
    response.headers["ETag"] = found.etag
    return SubscriptionRead.model_validate(found, from_attributes=True)


@router.post("", status_code=201, responses={422: {"description": "Invalid or unsafe input"}})
def create_subscription(
    body: SubscriptionCreate, request: Request, response: Response, principal: Caller
) -> SubscriptionRead:
    """Subscribe a URL to event types, for your whole supply base or some of its suppliers.

    The URL must be https and must not point at a private, loopback, link-local or otherwise
    internal address. The answer carries the signing secret, this one time only.
    """
    created = service.create_subscription(
        organisation_id=principal.organisation_id,
        url=body.url,
        event_types=body.event_types,
        supplier_ids=body.supplier_ids,
        description=body.description,
        policy=request.app.state.url_policy,
        box=request.app.state.secret_box,
        engine=request.app.state.engine,
    )
    response.headers["Location"] = f"/v1/subscriptions/{created.id}"
    return _answer(created, response)


@router.get("")
def list_subscriptions(
    request: Request,
    principal: Caller,
    cursor: Annotated[UUID | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SubscriptionPage:
    """Your subscriptions, a page at a time (without secrets)."""
    found, has_more = service.list_subscriptions(
        organisation_id=principal.organisation_id, after=cursor, limit=limit, engine=request.app.state.engine
    )
    data = [SubscriptionRead.model_validate(s, from_attributes=True) for s in found]
    return SubscriptionPage(data=data, next_cursor=str(found[-1].id) if has_more else None, has_more=has_more)


@router.get("/{subscription_id}", responses=NOT_FOUND)
def get_subscription(
    subscription_id: UUID, request: Request, response: Response, principal: Caller
) -> SubscriptionRead:
    """One of your subscriptions (without its secret), with its ETag."""
    found = service.get_subscription(
        organisation_id=principal.organisation_id,
        subscription_id=subscription_id,
        engine=request.app.state.engine,
    )
    return _answer(found, response)


@router.patch("/{subscription_id}", responses=NOT_FOUND | {412: {"description": "Stale If-Match"}})
def update_subscription(
    subscription_id: UUID,
    body: SubscriptionUpdate,
    request: Request,
    response: Response,
    principal: Caller,
    if_match: IfMatch = None,
) -> SubscriptionRead:
    """Change a subscription; `{"enabled": true}` re-enables an endpoint that was disabled, and its
    waiting deliveries go at once."""
    updated = service.update_subscription(
        organisation_id=principal.organisation_id,
        subscription_id=subscription_id,
        changes=body.model_dump(include=body.model_fields_set),
        if_match=if_match,
        policy=request.app.state.url_policy,
        engine=request.app.state.engine,
    )
    return _answer(updated, response)


@router.delete("/{subscription_id}", status_code=204, responses=NOT_FOUND)
def delete_subscription(
    subscription_id: UUID, request: Request, principal: Caller, if_match: IfMatch = None
) -> Response:
    """Delete a subscription, with its deliveries and their log."""
    service.delete_subscription(
        organisation_id=principal.organisation_id,
        subscription_id=subscription_id,
        if_match=if_match,
        engine=request.app.state.engine,
    )
    return Response(status_code=204)


@router.post("/{subscription_id}/secret/rotate", responses=NOT_FOUND)
def rotate_secret(
    subscription_id: UUID,
    request: Request,
    response: Response,
    principal: Caller,
    body: SecretRotation | None = None,
) -> SubscriptionRead:
    """Issue a new signing secret, shown this once. During the overlap every webhook carries two
    signatures (new and old secret), so receivers can switch without losing a message."""
    settings = request.app.state.gateway_settings
    overlap_s = body.overlap_s if body and body.overlap_s is not None else settings.webhook_secret_overlap_s
    rotated = service.rotate_secret(
        organisation_id=principal.organisation_id,
        subscription_id=subscription_id,
        overlap=timedelta(seconds=overlap_s),
        box=request.app.state.secret_box,
        engine=request.app.state.engine,
    )
    return _answer(rotated, response)
