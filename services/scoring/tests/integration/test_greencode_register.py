"""Green codes and carbon labels in the scoring database: issue, supersede, revoke, verify online."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select

from launcher.postgres import PostgresServer
from launcher.stack import Ports
from launcher.testing import migrated_database
from scoring.adapters.tables.greencodes import issued_codes
from scoring.greencode.keys import KeyDirectory
from scoring.greencode.labels import FootprintFacts, load_benchmarks
from scoring.greencode.service import (
    CodeSubject,
    Identity,
    Issuer,
    LabelSubject,
    refresh_carbon_label,
    refresh_green_code,
)
from scoring.greencode.statements import Position
from scoring.greencode.verification import token_of, verify_online

NOW = datetime(2027, 2, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    postgres = PostgresServer(Path(tmp_path_factory.mktemp("pg")), port=Ports.free().postgres)
    postgres.start()
    engine = create_engine(migrated_database(postgres, "scoring"))
    yield engine
    engine.dispose()
    postgres.stop()


@pytest.fixture
def issuer(tmp_path: Path) -> Issuer:
    keys = KeyDirectory(tmp_path / "keys")
    keys.rotate(activated_at=NOW - timedelta(days=1))
    return Issuer(keys=keys, public_base_url="https://verify.example.com")


IDENTITY = Identity(uuid.uuid4(), "Fujian Green Fasteners Co., Ltd.", "91350100M000100Y43", None)


def subject(
    *, band: str = "Qualified-plus", grade: str | None = "A", gates: tuple[str, ...] = ()
) -> CodeSubject:
    position = Position(grade=grade, percentile=Decimal("80"), rank=3, population=10) if grade else None
    return CodeSubject(
        identity=IDENTITY,
        year=2026,
        industry_code="C3825",
        model_version="2026.1",
        score=Decimal("81.00"),
        band=band,
        rated=True,
        failed_gates=gates,
        overall=position,
        industry=position,
    )


def event_types(events) -> list[str]:
    return [".".join(event.event_type.split(".")[1:3]) for event in events]


def test_issue_supersede_revoke_and_verify(engine, issuer):
    ring = issuer.keys.load
    with engine.begin() as conn:
        issued = refresh_green_code(conn, subject(), issuer=issuer, now=NOW)
        assert event_types(issued) == ["greencode.issued"]
        first = issued[0].code_id
        assert refresh_green_code(conn, subject(), issuer=issuer, now=NOW) == []  # nothing changed
        first_token = token_of(conn, first)
        assert verify_online(conn, ring(), first_token, now=NOW)["status"] == "current"

        changed = refresh_green_code(conn, subject(grade="B"), issuer=issuer, now=NOW)
        assert event_types(changed) == ["greencode.superseded", "greencode.issued"]
        answer = verify_online(conn, ring(), first_token, now=NOW)
        assert (answer["valid"], answer["status"]) == (False, "superseded")
        assert answer["superseded_by"] == str(changed[1].code_id)
        assert answer["statement"]["overall"]["grade"] == "A"  # what was signed, no more

        revoked = refresh_green_code(
            conn, subject(band="Non-compliant", gates=("G1",)), issuer=issuer, now=NOW
        )
        assert event_types(revoked) == ["greencode.revoked"]
        assert revoked[0].reason == "gate failed: G1"
        answer = verify_online(conn, ring(), token_of(conn, changed[1].code_id), now=NOW)
        assert answer["status"] == "revoked"
        assert "reason" not in answer  # the register does not say why to anyone who scans
        assert (
            conn.execute(select(issued_codes.c.status).where(issued_codes.c.status == "current")).first()
            is None
        )


def test_an_expired_code_answers_expired(engine, issuer):
    other = Identity(uuid.uuid4(), "Other Co", None, "DE:HRB 1")
    with engine.begin() as conn:
        code = refresh_green_code(
            conn, subject().__class__(**{**subject().__dict__, "identity": other}), issuer=issuer, now=NOW
        )
        token = token_of(conn, code[0].code_id)
        answer = verify_online(conn, issuer.keys.load(), token, now=datetime(2028, 1, 2, tzinfo=UTC))
    assert (answer["valid"], answer["status"], answer["signature"]) == (False, "expired", "valid")


def test_a_tampered_token_reveals_nothing(engine, issuer):
    with engine.begin() as conn:
        other = Identity(uuid.uuid4(), "Third Co", None, "DE:HRB 2")
        code = refresh_green_code(
            conn, subject().__class__(**{**subject().__dict__, "identity": other}), issuer=issuer, now=NOW
        )
        token = token_of(conn, code[0].code_id)
        answer = verify_online(conn, issuer.keys.load(), token[:-3] + "AAA", now=NOW)
    assert answer["signature"] == "bad_signature"
    assert answer["statement"] is None


def test_carbon_label_follows_its_footprint(engine, issuer):
    footprint_id = uuid.uuid4()
    steel = ("urn:pact:productclassification:un-cpc:4121",)

    def label(*, verified=True, active=True, value="1.05") -> LabelSubject:
        return LabelSubject(
            identity=IDENTITY,
            footprint_id=footprint_id,
            product_ids=("urn:pact:product:gtin:4000000000001",),
            year=2026,
            boundary="cradle-to-gate",
            facts=FootprintFacts(Decimal(value), "kilogram", steel, verified, False),
            active=active,
        )

    benchmarks = load_benchmarks()
    with engine.begin() as conn:
        assert (
            refresh_carbon_label(conn, label(verified=False), issuer=issuer, benchmarks=benchmarks, now=NOW)
            == []
        )
        issued = refresh_carbon_label(conn, label(), issuer=issuer, benchmarks=benchmarks, now=NOW)
        assert issued[0].label_type == "reduction"
        gone = refresh_carbon_label(conn, label(active=False), issuer=issuer, benchmarks=benchmarks, now=NOW)
        assert event_types(gone) == ["carbonlabel.superseded"]
        answer = verify_online(conn, issuer.keys.load(), token_of(conn, issued[0].code_id), now=NOW)
        assert answer["status"] == "superseded"
        assert answer["statement"]["label_type"] == "reduction"
