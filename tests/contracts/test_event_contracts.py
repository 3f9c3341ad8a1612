"""Every published event type has a registered contract, a topic in infra/topics.toml, and round-trips."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

import shared.contracts  # noqa: F401  (registers every contract)
from launcher.kafka import load_topics
from shared.contracts import greencode as gc
from shared.contracts import scoring as sc
from shared.contracts import supplier as su
from shared.contracts.scoring import ComplianceScoreChanged
from shared.contracts.supplier import SupplierRegistered
from shared.events import CONTRACTS, UndecodableEvent, decode, encode, kafka_headers

SUPPLIER = uuid.uuid4()
CREDENTIAL = su.CredentialSnapshot(
    credential_id=uuid.uuid4(),
    type="iso14001",
    state="verified",
    number="CN-14001-1",
    issuer="CQC",
    issued_on=date(2025, 1, 1),
    expires_on=date(2028, 1, 1),
    attributes={"standard": "ISO 14001:2015"},
    document_sha256="ab" * 32,
)
LEG = su.ShipmentLegResult(
    mode="road",
    vehicle_class="average",
    distance_km=Decimal("100"),
    mass_t=Decimal("2"),
    tonne_km=Decimal("200"),
    intensity_gco2e_per_tkm=Decimal("90"),
    emissions_kgco2e=Decimal("18"),
    data_quality_tier="default",
    factor_version="2026.1",
    factor_source="GLEC",
)
COMPLIANCE = {"supplier_id": SUPPLIER, "year": 2026, "model_version": "2026.1"}

EXAMPLES = {
    SupplierRegistered: SupplierRegistered(
        supplier_id=uuid.uuid4(),
        legal_name="A",
        country="CN",
        uscc="91350100M000100Y43",
        industry_code="C3825",
    ),
    su.SupplierUpdated: su.SupplierUpdated(
        supplier_id=SUPPLIER, version=2, legal_name="A", country="CN", industry_code="C3825"
    ),
    su.CredentialSubmitted: su.CredentialSubmitted(supplier_id=SUPPLIER, credential=CREDENTIAL),
    su.CredentialVerified: su.CredentialVerified(supplier_id=SUPPLIER, credential=CREDENTIAL, reviewer="r"),
    su.CredentialRejected: su.CredentialRejected(
        supplier_id=SUPPLIER, credential=CREDENTIAL, reason="blurred"
    ),
    su.CredentialRevoked: su.CredentialRevoked(supplier_id=SUPPLIER, credential=CREDENTIAL),
    su.CredentialExpired: su.CredentialExpired(supplier_id=SUPPLIER, credential=CREDENTIAL),
    su.CredentialExpiring: su.CredentialExpiring(
        supplier_id=SUPPLIER, reminders=[su.ExpiringCredential(credential=CREDENTIAL, days_before=30)]
    ),
    su.PerformanceReported: su.PerformanceReported(
        supplier_id=SUPPLIER,
        year=2025,
        figures={"energy_kgce": su.ReportedFigure(value=Decimal("1200.5"), tier="primary")},
    ),
    su.PerformanceFlaggedAbnormal: su.PerformanceFlaggedAbnormal(
        supplier_id=SUPPLIER, year=2025, reasons=["water_reuse_pct 130 is above 100"]
    ),
    su.FootprintPublished: su.FootprintPublished(
        supplier_id=SUPPLIER,
        footprint_id=uuid.uuid4(),
        product_ids=["urn:pact:product:gtin:1234"],
        declared_unit="kilogram",
        pcf_excluding_biogenic_kgco2e=Decimal("2.5"),
        reference_period_start=datetime(2025, 1, 1, tzinfo=UTC),
        reference_period_end=datetime(2026, 1, 1, tzinfo=UTC),
        footprint={"id": "x"},
    ),
    su.FootprintDeprecated: su.FootprintDeprecated(supplier_id=SUPPLIER, footprint_id=uuid.uuid4()),
    su.ShipmentRecorded: su.ShipmentRecorded(
        supplier_id=SUPPLIER,
        shipment_id=uuid.uuid4(),
        shipped_on=date(2026, 3, 1),
        year=2026,
        tonne_km=Decimal("200"),
        emissions_kgco2e=Decimal("18"),
        intensity_gco2e_per_tkm=Decimal("90"),
        data_quality_tier="default",
        factor_version="2026.1",
        legs=[LEG],
    ),
    ComplianceScoreChanged: ComplianceScoreChanged(
        supplier_id=uuid.uuid4(),
        year=2026,
        model_version="x",
        score=Decimal("81.50"),
        band="Qualified-plus",
        reason="r",
    ),
    sc.ComplianceBandChanged: sc.ComplianceBandChanged(
        **COMPLIANCE, previous_band="Qualified", band="Leading"
    ),
    sc.ComplianceGradeChanged: sc.ComplianceGradeChanged(**COMPLIANCE, scope="overall", grade="A"),
    sc.ComplianceGateFailed: sc.ComplianceGateFailed(**COMPLIANCE, failed_gates=["G1"]),
    sc.ComplianceUnrated: sc.ComplianceUnrated(**COMPLIANCE, reason="data not filed"),
    sc.ComplianceListEntered: sc.ComplianceListEntered(**COMPLIANCE, grade="A", band="Qualified-plus"),
    gc.GreenCodeIssued: gc.GreenCodeIssued(
        supplier_id=SUPPLIER,
        code_id=uuid.uuid4(),
        year=2026,
        grade="A",
        industry_grade="A+",
        band="Leading",
        kid="k",
        verification_url="https://example.com/v1/verify?token=t",
    ),
    gc.GreenCodeSuperseded: gc.GreenCodeSuperseded(
        supplier_id=SUPPLIER,
        code_id=uuid.uuid4(),
        year=2026,
        superseded_by=uuid.uuid4(),
        reason="grade A -> B",
    ),
    gc.GreenCodeRevoked: gc.GreenCodeRevoked(
        supplier_id=SUPPLIER, code_id=uuid.uuid4(), year=2026, reason="G1"
    ),
    gc.CarbonLabelIssued: gc.CarbonLabelIssued(
        supplier_id=SUPPLIER,
        code_id=uuid.uuid4(),
        year=2026,
        footprint_id=uuid.uuid4(),
        label_type="footprint",
        kid="k",
        verification_url="https://example.com/v1/verify?token=t",
    ),
    gc.CarbonLabelSuperseded: gc.CarbonLabelSuperseded(
        supplier_id=SUPPLIER, code_id=uuid.uuid4(), year=2026, footprint_id=uuid.uuid4(), reason="deprecated"
    ),
    sc.ComplianceListExited: sc.ComplianceListExited(**COMPLIANCE, reason="grade_lost", previous_grade="A"),
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
