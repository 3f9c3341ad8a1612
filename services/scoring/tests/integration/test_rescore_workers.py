"""The yearly rescore stores the same scorecards, history, green list and events whether the
suppliers are scored in this process or in forked workers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, delete, select

from scoring.adapters.orm import outbox
from scoring.adapters.tables.green_lists import green_list_entries, green_lists
from scoring.adapters.tables.scorecards import scorecard_history, scorecards
from scoring.service_layer import batch_scoring
from scoring.service_layer.rescoring import rescore_year

TODAY = date(2026, 11, 21)
YEAR = 2026
INDUSTRIES = ("C3825", "C3841", "C3670")
SPARSE = {"value_added_cny": "100000000", "scope1_tco2e": "8000", "energy_kgce": "3400000"}


def play(engine: Engine, apply_event: Callable, events: list[Any]) -> None:
    for event in events:
        apply_event(engine, event)


def seed(engine: Engine, supplier: Callable, apply_event: Callable) -> None:
    """Fifteen suppliers in three industries: spread totals, one gate failed, two without full data."""
    for index in range(15):
        story = supplier(INDUSTRIES[index % len(INDUSTRIES)])
        if index == 0:
            play(engine, apply_event, [story.registered()])  # nothing filed: Unrated
        elif index == 1:
            play(engine, apply_event, [story.registered(), story.performance(YEAR, SPARSE)])
        elif index == 2:
            play(engine, apply_event, story.strong(YEAR, pollutant_cod_pct_of_limit="150"))
        else:
            play(engine, apply_event, story.strong(YEAR, renewable_electricity_share_pct=str(index * 6)))


def forget_the_year(engine: Engine) -> None:
    """As if the year had never been scored: what the rescore writes, removed."""
    with engine.begin() as conn:
        for table in (scorecards, scorecard_history, green_list_entries, green_lists):
            conn.execute(delete(table).where(table.c.year == YEAR))
        conn.execute(delete(outbox))


def stored(engine: Engine) -> dict[str, list[Any]]:
    with engine.connect() as conn:
        cards = conn.execute(select(scorecards).order_by(scorecards.c.supplier_id)).all()
        history = conn.execute(
            select(scorecard_history).order_by(scorecard_history.c.supplier_id, scorecard_history.c.revision)
        ).all()
        entries = conn.execute(select(green_list_entries).order_by(green_list_entries.c.supplier_id)).all()
        events = conn.execute(
            select(outbox.c.topic, outbox.c.key, outbox.c.event_type, outbox.c.payload).order_by(outbox.c.seq)
        ).all()
    return {
        "scorecards": [r._asdict() | {"updated_at": None} for r in cards],
        "history": [r._asdict() | {"recorded_at": None} for r in history],
        "green_list": [r._asdict() for r in entries],
        "events": [tuple(r) for r in events],
    }


def test_two_workers_store_what_one_process_stores(
    scoring_engine: Engine, supplier: Callable, apply_event: Callable, monkeypatch: pytest.MonkeyPatch
):
    seed(scoring_engine, supplier, apply_event)
    monkeypatch.setattr(batch_scoring, "CHUNK", 4)  # four chunks: the two workers really fork
    forget_the_year(scoring_engine)
    seen: list[tuple[int, int]] = []
    in_workers = rescore_year(
        year=YEAR, engine=scoring_engine, today=TODAY, workers=2, progress=lambda d, t: seen.append((d, t))
    )
    by_workers = stored(scoring_engine)
    forget_the_year(scoring_engine)

    in_process = rescore_year(year=YEAR, engine=scoring_engine, today=TODAY, workers=1)

    assert in_workers == in_process
    assert (in_process.suppliers, in_process.changed) == (15, 15)
    assert seen == [(4, 15), (8, 15), (12, 15), (15, 15)]
    assert stored(scoring_engine) == by_workers
    assert [card["digest"] for card in by_workers["scorecards"]] == [
        card["digest"] for card in stored(scoring_engine)["scorecards"]
    ]
    again = rescore_year(year=YEAR, engine=scoring_engine, today=TODAY, workers=2)
    assert (again.changed, again.events) == (0, 0)
