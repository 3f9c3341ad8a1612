"""CloudEvents 1.0 over Kafka in binary content mode (`ce_` headers), with pydantic payload contracts.

Binary mode is the one mode used everywhere: the value is the plain JSON payload, so consumers that
do not know CloudEvents still read it, and routing attributes stay in headers.
Event types are versioned (`greenchain.supplier.registered.v1`); a contract only ever gains optional
fields, anything else is a new version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from cloudevents.core.bindings.kafka import KafkaMessage, from_binary, to_binary
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from pydantic import BaseModel, ConfigDict, ValidationError

CORRELATION_ATTR = "correlationid"  # CloudEvents extension names are lower-case alphanumerics
_FORMAT = JSONFormat()


class EventContract(BaseModel):
    """A versioned event payload. Subclasses set `event_type` and `topic` and carry a supplier id."""

    model_config = ConfigDict(frozen=True, extra="ignore")  # tolerant reader: new optional fields pass

    event_type: ClassVar[str]
    topic: ClassVar[str]
    supplier_id: UUID

    @property
    def partition_key(self) -> str:
        """Events are keyed by supplier so one supplier's events keep their order."""
        return str(self.supplier_id)


CONTRACTS: dict[str, type[EventContract]] = {}
C = TypeVar("C", bound=type[EventContract])


def contract(cls: C) -> C:
    """Register a contract so consumers can decode its event type."""
    if cls.event_type in CONTRACTS:
        raise ValueError(f"event type {cls.event_type} registered twice")
    CONTRACTS[cls.event_type] = cls
    return cls


class UndecodableEvent(ValueError):
    """A message that is not a valid event of a known contract: it belongs in the dead-letter topic."""


@dataclass(frozen=True)
class Event:
    """A decoded event: CloudEvents attributes plus the validated payload."""

    id: UUID
    type: str
    source: str
    time: datetime
    correlation_id: str | None
    data: EventContract


def encode(
    *,
    event_id: UUID,
    event_type: str,
    source: str,
    time: datetime,
    key: str,
    data: dict[str, Any],
    correlation_id: str | None,
) -> KafkaMessage:
    """Build the Kafka message of one outbox row (binary content mode)."""
    attributes: dict[str, Any] = {
        "id": str(event_id),
        "type": event_type,
        "source": source,
        "time": time.astimezone(UTC),
        "subject": key,
        "datacontenttype": "application/json",
        "partitionkey": key,
    }
    if correlation_id:
        attributes[CORRELATION_ATTR] = correlation_id
    return to_binary(CloudEvent(attributes, data), _FORMAT)


def kafka_headers(message: KafkaMessage) -> list[tuple[str, bytes]]:
    return list(message.headers.items())


def decode(headers: list[tuple[str, bytes]], key: bytes | None, value: bytes | None) -> Event:
    """Decode and validate a Kafka record; raises UndecodableEvent with the reason."""
    try:
        cloud_event = from_binary(KafkaMessage(dict(headers or []), key, value or b""), _FORMAT)
    except Exception as error:  # the SDK raises several unrelated types for bad input
        raise UndecodableEvent(f"not a CloudEvent in binary mode: {error}") from error
    event_type = cloud_event.get_type()
    payload_class = CONTRACTS.get(event_type)
    if payload_class is None:
        raise UndecodableEvent(f"unknown event type {event_type!r}")
    data = cloud_event.get_data()
    try:
        payload = payload_class.model_validate(json.loads(data) if isinstance(data, (str, bytes)) else data)
        event_id = UUID(cloud_event.get_id())
    except (ValidationError, ValueError) as error:
        raise UndecodableEvent(f"{event_type} does not match its contract: {error}") from error
    correlation = cloud_event.get_extension(CORRELATION_ATTR)
    return Event(
        id=event_id,
        type=event_type,
        source=cloud_event.get_source(),
        time=cloud_event.get_time() or datetime.now(UTC),
        correlation_id=str(correlation) if correlation else None,
        data=payload,
    )
