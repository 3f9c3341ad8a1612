"""Property: a supplier's scorecards do not depend on the order its events arrived in.

Each example builds one supplier's story (profile update, two report versions and an abnormal flag
on the older one, a credential's snapshots, a footprint published and deprecated, a shipment),
applies it in a random order through the real handler on PostgreSQL, and compares every current
scorecard with the one the story gives in its natural order (ids replaced by placeholders).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, and_, select

from scoring.adapters.tables.scorecards import scorecard_history, scorecards
from shared.contracts import supplier as contracts

YEAR = 2026
STORY_LENGTH = 11


def story_events(story: Any) -> list[Any]:
    """The story in its natural order."""
    iso = uuid.uuid4()
    footprint = uuid.uuid4()
    return [
        story.registered(),
        story.updated(2, "C3841"),
        story.performance(YEAR, version=1),
        story.flagged(YEAR, version=1),
        story.revised(YEAR, 2, renewable_electricity_share_pct="45"),
        story.credential("iso_14001", "submitted", credential_id=iso, version=1),
        story.credential("iso_14001", "verified", credential_id=iso, version=2),
        story.credential("iso_50001", "verified"),
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
        contracts.FootprintDeprecated(supplier_id=story.supplier_id, footprint_id=footprint),
        story.shipment(YEAR),
    ]


def placeholders(events: list[Any], supplier_id: uuid.UUID) -> dict[str, str]:
    """Every id in a story, mapped to a name that is the same for every story."""
    names = {str(supplier_id): "supplier"}
    for index, event in enumerate(events):
        for field in ("credential", "footprint_id", "shipment_id"):
            value = getattr(event, field, None)
            key = str(value.credential_id if field == "credential" else value) if value else None
            if key and key not in names:
                names[key] = f"id-{index}"
    return names


def current_cards(engine: Engine, supplier_id: uuid.UUID, names: dict[str, str]) -> dict[int, str]:
    join = and_(
        scorecard_history.c.supplier_id == scorecards.c.supplier_id,
        scorecard_history.c.year == scorecards.c.year,
        scorecard_history.c.revision == scorecards.c.revision,
    )
    with engine.connect() as conn:
        rows = conn.execute(
            select(scorecards.c.year, scorecard_history.c.card)
            .join(scorecard_history, join)
            .where(scorecards.c.supplier_id == supplier_id)
        ).all()
    cards = {}
    for year, card in rows:
        text = json.dumps(card, sort_keys=True)
        for real, name in names.items():
            text = text.replace(real, name)
        cards[year] = text
    return cards


def play(engine: Engine, story: Any, order: list[int], apply_event: Callable) -> dict[int, str]:
    events = story_events(story)
    for index in order:
        apply_event(engine, events[index])
    return current_cards(engine, story.supplier_id, placeholders(events, story.supplier_id))


def test_scorecards_do_not_depend_on_event_order(
    scoring_engine: Engine, supplier: Callable, apply_event: Callable
):
    expected = play(scoring_engine, supplier("C3825"), list(range(STORY_LENGTH)), apply_event)
    assert '"rated": true' in expected[YEAR]  # the story rates the year

    @settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(order=st.permutations(range(STORY_LENGTH)))
    def any_order(order: list[int]) -> None:
        assert play(scoring_engine, supplier("C3825"), order, apply_event) == expected

    any_order()
