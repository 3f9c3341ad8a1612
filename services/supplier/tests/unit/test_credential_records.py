"""A stored credential's lifecycle steps, versions and event snapshots."""

import uuid
from datetime import UTC, datetime

import pytest

from supplier.domain.credential_lifecycle import InvalidTransition
from supplier.domain.credential_records import CredentialRecord, DocumentAlreadyAttached
from supplier.domain.credentials import parse_credential

NOW = datetime(2026, 11, 21, tzinfo=UTC)
SUPPLIER = uuid.uuid4()


def submitted(**overrides):
    credential = parse_credential(
        {
            "type": "green_code_grade",
            "number": "GC-1",
            "issuer": "MIIT",
            "issued_on": "2025-03-01",
            "grade": "A+",
            "year": 2025,
            "industry_position": {"rank": 2, "out_of": 40, "industry_code": "C3825"},
        }
        | overrides
    )
    return CredentialRecord.submit(supplier_id=SUPPLIER, credential=credential, document_sha256=None, now=NOW)


def test_submission_keeps_type_fields_as_attributes_and_snapshots_them_as_strings():
    record, event = submitted()
    assert record.attributes["grade"] == "A+"
    assert record.attributes["industry_position"] == {"rank": 2, "out_of": 40, "industry_code": "C3825"}
    snapshot = event.credential
    assert snapshot.state == "submitted"
    assert snapshot.attributes["year"] == "2025"
    assert snapshot.attributes["industry_position"] == '{"industry_code":"C3825","out_of":40,"rank":2}'
    assert event.supplier_id == SUPPLIER


def test_each_step_bumps_the_version_and_carries_its_reason():
    record, _ = submitted()
    verified, event = record.verify(reviewer="auditor", now=NOW)
    assert (verified.state, verified.version, event.reviewer) == ("verified", 2, "auditor")
    revoked, event = verified.revoke(reason=" fraud ", now=NOW)
    assert (revoked.state, revoked.version, revoked.reason, event.reason) == ("revoked", 3, "fraud", "fraud")
    with pytest.raises(InvalidTransition, match="a revoked credential cannot become expired"):
        revoked.expire(now=NOW)


def test_reject_keeps_the_reason_and_only_expiry_follows():
    rejected, event = submitted()[0].reject(reviewer="auditor", reason="illegible", now=NOW)
    assert (rejected.reason, event.reason) == ("illegible", "illegible")
    assert rejected.lifecycle.rejection_reason == "illegible"
    with pytest.raises(InvalidTransition):
        rejected.verify(reviewer="auditor", now=NOW)
    assert rejected.expire(now=NOW)[0].state == "expired"


def test_a_document_is_attached_once_and_only_while_submitted():
    record, _ = submitted()
    attached, event = record.attach(document_sha256="a" * 64, now=NOW)
    assert (attached.version, event.credential.document_sha256) == (2, "a" * 64)
    with pytest.raises(DocumentAlreadyAttached):
        attached.attach(document_sha256="b" * 64, now=NOW)
    verified, _ = record.verify(reviewer="r", now=NOW)
    with pytest.raises(DocumentAlreadyAttached):
        verified.attach(document_sha256="b" * 64, now=NOW)
