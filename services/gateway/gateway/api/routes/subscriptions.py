"""Webhook subscriptions."""

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gateway.service_layer import subscriptions as service
from shared.events import CONTRACTS

router = APIRouter(prefix="/v1/subscriptions", tags=["subscriptions"])


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2000, description="https URL that receives signed webhooks")
    event_types: list[str] = Field(min_length=1, max_length=50, description="Event types to receive")

    @field_validator("event_types")
    @classmethod
    def _known_types(cls, values: list[str]) -> list[str]:
        unknown = sorted(set(values) - set(CONTRACTS))
        if unknown:
            raise ValueError(f"unknown event types {unknown}; known: {sorted(CONTRACTS)}")
        return values


class SubscriptionRead(BaseModel):
    id: UUID
    url: str
    event_types: list[str]
    enabled: bool
    created_at: datetime
    secret: str | None = Field(default=None, description="The whsec_ signing secret; shown only at creation")


@router.post("", status_code=201)
def create_subscription(body: SubscriptionCreate, request: Request, response: Response) -> SubscriptionRead:
    """Subscribe a URL to event types. The answer carries the signing secret, this one time only."""
    created = service.create_subscription(
        url=body.url,
        event_types=body.event_types,
        policy=request.app.state.url_policy,
        engine=request.app.state.engine,
    )
    response.headers["Location"] = f"/v1/subscriptions/{created.id}"
    return SubscriptionRead.model_validate(created, from_attributes=True)


@router.get("/{subscription_id}")
def get_subscription(subscription_id: UUID, request: Request) -> SubscriptionRead:
    """A subscription (without its secret)."""
    found = service.get_subscription(subscription_id=subscription_id, engine=request.app.state.engine)
    return SubscriptionRead.model_validate(found, from_attributes=True)
