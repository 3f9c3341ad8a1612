"""The consumer's one-query record loader reads the same record as the per-table reads."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from scoring.adapters import facts_repository
from scoring.adapters.record_loader import load_supplier_year
from shared.contracts import supplier as contracts

YEAR = 2026


def test_the_record_equals_the_per_table_reads(
    scoring_engine: Engine, supplier: Callable[[str], Any], apply_event: Callable[..., None]
) -> None:
    story = supplier("C3825")
    footprint = uuid.uuid4()
    events = [
        *story.strong(YEAR),
        story.flagged(YEAR),
        story.performance(YEAR + 1),
        contracts.FootprintPublished(
            supplier_id=story.supplier_id,
            footprint_id=footprint,
            product_ids=["urn:p:1"],
            declared_unit="kilogram",
            pcf_excluding_biogenic_kgco2e="2.5",
            reference_period_start=datetime(2025, 1, 1, tzinfo=UTC),
            reference_period_end=datetime(2026, 1, 1, tzinfo=UTC),
            verified=True,
            footprint={},
        ),
        contracts.FootprintDeprecated(supplier_id=story.supplier_id, footprint_id=uuid.uuid4()),
    ]
    for event in events:
        apply_event(scoring_engine, event)

    with scoring_engine.connect() as conn:
        full = facts_repository.load_record(conn, story.supplier_id, YEAR, "C3825")
        assert full.performance[0].abnormal
        assert full.credentials
        assert full.shipments is not None
        assert {row.active for row in full.footprints} == {True, False}
        for year in (YEAR, YEAR + 1, YEAR + 2):
            expected = facts_repository.load_record(conn, story.supplier_id, year, "C3825")
            assert load_supplier_year(conn, story.supplier_id, year) == expected
        assert load_supplier_year(conn, uuid.uuid4(), YEAR) is None
