"""Events the gateway itself raises for a buyer (type `greenchain.gateway.*.v1`).

They are not published to Kafka: they concern one buyer's own endpoints, so the gateway stores
them in that buyer's event feed and delivers them to its subscriptions that ask for them. They are
not in `shared.events.CONTRACTS` (that registry is what Kafka consumers decode); GATEWAY_EVENTS
is their catalogue.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class GatewayEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    organisation_id: UUID = Field(description="The buyer the event is for")


class EndpointDisabled(GatewayEvent):
    """A webhook endpoint was disabled: it answered 410 Gone, or failed continuously too long.

    Deliveries to it stop; events keep arriving in the feed. Enable it again with
    PATCH /v1/subscriptions/{id} `{"enabled": true}`, then replay what was missed.
    """

    event_type: ClassVar[str] = "greenchain.gateway.endpoint.disabled.v1"

    subscription_id: UUID
    url: str
    reason: Literal["gone", "failing"]
    failing_since: datetime | None = Field(
        default=None, description="Start of the run of failures (reason 'failing')"
    )
    last_status_code: int | None = None
    last_error: str | None = None


GATEWAY_EVENTS: dict[str, type[GatewayEvent]] = {EndpointDisabled.event_type: EndpointDisabled}
