"""Every published event type has a registered contract, a topic in infra/topics.toml, and round-trips."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

import shared.contracts  # noqa: F401  (registers every contract)
from launcher.kafka import load_topics
from shared.contracts.scoring import ComplianceScoreChanged
from shared.contracts.supplier import SupplierRegistered
from shared.events import CONTRACTS, UndecodableEvent, decode, encode, kafka_headers

EXAMPLES = {
    SupplierRegistered: SupplierRegistered(
        supplier_id=uuid.uuid4(),
        legal_name="A",
        country="CN",
        uscc="91350100M000100Y43",
        industry_code="C3825",
    ),
    ComplianceScoreChanged: ComplianceScoreChanged(
        supplier_id=uuid.uuid4(),
        year=2026,
        model_version="x",
        score=Decimal("81.50"),
        band="Qualified-plus",
        reason="r",
    ),
}


def test_every_contract_has_an_example_here():
    assert set(CONTRACTS.values()) == set(EXAMPLES)


@pytest.mark.parametrize("contract", sorted(CONTRACTS.values(), key=lambda c: c.event_type), ids=str)
def test_contract_is_versioned_and_its_topic_exists(contract):
    assert contract.event_type.startswith("greenchain.")
    assert contract.event_type.rsplit(".", 1)[1].startswith("v")
    assert contract.topic in {t.name for t in load_topics()}
    assert f"{contract.topic}.dlq" in {t.name for t in load_topics()}


@pytest.mark.parametrize("payload", EXAMPLES.values(), ids=lambda p: p.event_type)
def test_round_trip_through_kafka_binary_mode(payload):
    event_id = uuid.uuid4()
    message = encode(
        event_id=event_id,
        event_type=payload.event_type,
        source="/test",
        time=datetime.now(UTC),
        key=payload.partition_key,
        data=payload.model_dump(mode="json"),
        correlation_id="c-1",
    )
    headers = kafka_headers(message)
    assert dict(headers)["ce_specversion"] == b"1.0"
    event = decode(headers, payload.partition_key.encode(), message.value)
    assert (event.id, event.type, event.data, event.correlation_id) == (
        event_id,
        payload.event_type,
        payload,
        "c-1",
    )


def test_decimals_travel_as_strings():
    payload = EXAMPLES[ComplianceScoreChanged]
    assert payload.model_dump(mode="json")["score"] == "81.50"


def test_a_payload_that_breaks_its_contract_is_undecodable():
    payload = EXAMPLES[SupplierRegistered]
    message = encode(
        event_id=uuid.uuid4(),
        event_type=payload.event_type,
        source="/t",
        time=datetime.now(UTC),
        key="k",
        data={"legal_name": "no id"},
        correlation_id=None,
    )
    with pytest.raises(UndecodableEvent, match="supplier_id"):
        decode(kafka_headers(message), b"k", message.value)
