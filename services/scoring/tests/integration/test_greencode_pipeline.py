"""Green codes and carbon labels follow the scoring pipeline, in the same transaction as the change."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from scoring.adapters.orm import outbox
from scoring.adapters.tables.greencodes import issued_codes
from scoring.greencode.keys import KeyDirectory
from scoring.greencode.labels import load_benchmarks
from scoring.greencode.pipeline import CodeKeeper
from scoring.greencode.service import Issuer
from scoring.greencode.verification import verify_online
from scoring.service_layer.handlers import handle_event
from shared.contracts import supplier as contracts

from .conftest import TODAY, YEAR, SupplierStory, as_event

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


@pytest.fixture
def keeper(tmp_path: Path) -> CodeKeeper:
    keys = KeyDirectory(tmp_path / "keys")
    keys.ensure()
    issuer = Issuer(keys=keys, public_base_url="https://verify.example.com")
    return CodeKeeper(issuer=issuer, benchmarks=load_benchmarks(), clock=lambda: NOW)


@pytest.fixture
def feed(registry, keeper) -> Callable[[Engine, object], None]:
    def apply(engine: Engine, data) -> None:
        partial(handle_event, engine=engine, registry=registry, today=lambda: TODAY, codes=keeper)(
            as_event(data)
        )

    return apply


def codes(engine: Engine, supplier_id: uuid.UUID) -> list:
    query = (
        select(issued_codes)
        .where(issued_codes.c.supplier_id == supplier_id)
        .order_by(issued_codes.c.issued_at)
    )
    with engine.connect() as conn:
        return list(conn.execute(query))


def published(engine: Engine, prefix: str) -> list[str]:
    with engine.connect() as conn:
        types = conn.execute(select(outbox.c.event_type).order_by(outbox.c.seq)).scalars()
        return [t for t in types if t.startswith(prefix)]


def test_a_graded_supplier_gets_a_code_and_a_grade_change_supersedes_it(scoring_engine: Engine, feed, keeper):
    stories = [SupplierStory("C3825") for _ in range(20)]
    for index, story in enumerate(stories):
        for event in story.strong(YEAR, renewable_electricity_share_pct=str(index * 2)):
            feed(scoring_engine, event)
    leader, third = stories[-1], stories[-3]
    [code] = [c for c in codes(scoring_engine, leader.supplier_id) if c.status == "current"]
    assert code.statement["overall"]["grade"] == "A+"
    assert code.statement["legal_name"] == "Test Co"
    with scoring_engine.connect() as conn:
        assert verify_online(conn, keeper.issuer.keys.load(), code.token, now=NOW)["valid"] is True

    feed(scoring_engine, third.revised(YEAR, 2, renewable_electricity_share_pct="50"))  # overtakes the leader

    leader_codes = {c.id: c for c in codes(scoring_engine, leader.supplier_id)}
    assert leader_codes[code.id].status == "superseded"
    [current] = [c for c in leader_codes.values() if c.status == "current"]
    assert current.statement["overall"]["grade"] == "A"
    assert leader_codes[code.id].superseded_by == current.id
    with scoring_engine.connect() as conn:
        answer = verify_online(conn, keeper.issuer.keys.load(), code.token, now=NOW)
    assert (answer["valid"], answer["status"]) == (False, "superseded")
    assert "greenchain.greencode.superseded.v1" in published(scoring_engine, "greenchain.greencode.")


def test_an_unrated_supplier_gets_no_code_and_an_abnormal_year_revokes_one(scoring_engine: Engine, feed):
    story = SupplierStory("C3825")
    feed(scoring_engine, story.registered())
    assert codes(scoring_engine, story.supplier_id) == []  # Unrated: no code
    for event in story.strong(YEAR)[1:]:
        feed(scoring_engine, event)
    # Each credential moved the band on the way up: every earlier code is superseded, one is current.
    statuses = [c.status for c in codes(scoring_engine, story.supplier_id)]
    assert statuses.count("current") == 1
    assert set(statuses) <= {"current", "superseded"}

    feed(scoring_engine, story.flagged(YEAR))

    by_status = {c.status: c for c in codes(scoring_engine, story.supplier_id)}
    assert "current" not in by_status
    assert by_status["revoked"].reason.startswith("unrated")


def footprint(story: SupplierStory, footprint_id: uuid.UUID, value: str) -> contracts.FootprintPublished:
    return contracts.FootprintPublished(
        supplier_id=story.supplier_id,
        footprint_id=footprint_id,
        product_ids=["urn:pact:product:gtin:4000000000001"],
        declared_unit="kilogram",
        pcf_excluding_biogenic_kgco2e=Decimal(value),
        reference_period_start=datetime(2025, 1, 1, tzinfo=UTC),
        reference_period_end=datetime(2026, 1, 1, tzinfo=UTC),
        footprint={
            "status": "Active",
            "productClassifications": ["urn:pact:productclassification:un-cpc:4121"],
        },
    )


def test_a_verified_footprint_gets_a_label_and_deprecation_supersedes_it(scoring_engine: Engine, feed):
    story = SupplierStory("C3825")
    feed(scoring_engine, story.registered())
    footprint_id = uuid.uuid4()
    feed(scoring_engine, footprint(story, footprint_id, "1.05"))
    assert [
        c for c in codes(scoring_engine, story.supplier_id) if c.kind == "carbonlabel"
    ] == []  # unverified

    feed(
        scoring_engine,
        story.credential("product_footprint_verification", "verified", footprint_id=str(footprint_id)),
    )

    [label] = [c for c in codes(scoring_engine, story.supplier_id) if c.kind == "carbonlabel"]
    assert (label.status, label.statement["label_type"], label.statement["year"]) == (
        "current",
        "reduction",
        2025,
    )
    assert label.statement["reduction_pct"] == "50.0"

    successor = uuid.uuid4()
    feed(
        scoring_engine,
        contracts.FootprintDeprecated(
            supplier_id=story.supplier_id, footprint_id=footprint_id, superseded_by=successor
        ),
    )

    [label] = [c for c in codes(scoring_engine, story.supplier_id) if c.kind == "carbonlabel"]
    assert (label.status, label.reason) == ("superseded", "footprint deprecated")
    assert "greenchain.carbonlabel.superseded.v1" in published(scoring_engine, "greenchain.carbonlabel.")
