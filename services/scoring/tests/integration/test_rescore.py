"""The yearly cycle on PostgreSQL: every supplier rescored, positions fixed, the green list with
entries and exits (and why) versus last year's list, and its events in the outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, func, select

from scoring.adapters.orm import outbox
from scoring.adapters.tables.green_lists import green_list_entries, green_lists
from scoring.adapters.tables.scorecards import scorecards
from scoring.service_layer.rescoring import rescore_year

TODAY = __import__("datetime").date(2026, 11, 21)


def play(engine: Engine, apply_event: Callable, events: list[Any]) -> None:
    for event in events:
        apply_event(engine, event)


def entries(engine: Engine, year: int) -> dict[str, tuple[bool, bool, str | None]]:
    e = green_list_entries
    with engine.connect() as conn:
        rows = conn.execute(
            select(e.c.supplier_id, e.c.on_list, e.c.entered, e.c.exit_reason).where(e.c.year == year)
        )
        return {str(r.supplier_id): (r.on_list, r.entered, r.exit_reason) for r in rows}


def list_events(engine: Engine) -> list[tuple[str, str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.event_type, outbox.c.key, outbox.c.payload)
            .where(outbox.c.event_type.like("%.list.%"))
            .order_by(outbox.c.seq)
        )
        return [(t.split(".")[-2], key, payload) for t, key, payload in rows]


def test_the_yearly_rescore_fixes_the_list_with_entries_and_exits(
    scoring_engine: Engine, supplier: Callable, apply_event: Callable
):
    stays, unfiled, failing, weakened, newcomer = (supplier("C3825") for _ in range(5))
    for story in (stays, unfiled, failing, weakened):
        play(scoring_engine, apply_event, story.strong(2025))
    play(scoring_engine, apply_event, [stays.revised(2026, 1), stays.shipment(2026)])
    play(scoring_engine, apply_event, [failing.revised(2026, 1, pollutant_cod_pct_of_limit="150")])
    play(scoring_engine, apply_event, [weakened.performance(2026, {**WEAK})])
    play(scoring_engine, apply_event, newcomer.strong(2026))
    seen: list[tuple[int, int]] = []

    first = rescore_year(year=2025, engine=scoring_engine, today=TODAY)
    summary = rescore_year(
        year=2026, engine=scoring_engine, today=TODAY, progress=lambda d, t: seen.append((d, t))
    )

    assert first.list_size == 4
    assert first.entered == 4
    assert seen[-1] == (5, 5)
    assert (summary.suppliers, summary.list_size, summary.entered, summary.exited) == (5, 2, 1, 3)
    assert entries(scoring_engine, 2026) == {
        str(stays.supplier_id): (True, False, None),
        str(newcomer.supplier_id): (True, True, None),
        str(unfiled.supplier_id): (False, False, "data_not_filed"),
        str(failing.supplier_id): (False, False, "gate_failed"),
        str(weakened.supplier_id): (False, False, "grade_lost"),
    }
    events_2026 = [
        (kind, key, p.get("reason")) for kind, key, p in list_events(scoring_engine) if p["year"] == 2026
    ]
    assert sorted(events_2026) == sorted(
        [
            ("entered", str(newcomer.supplier_id), None),
            ("exited", str(unfiled.supplier_id), "data_not_filed"),
            ("exited", str(failing.supplier_id), "gate_failed"),
            ("exited", str(weakened.supplier_id), "grade_lost"),
        ]
    )


def test_rescoring_again_changes_nothing_and_publishes_nothing(
    scoring_engine: Engine, supplier: Callable, apply_event: Callable
):
    stories = [supplier("C3825") for _ in range(6)]
    for index, story in enumerate(stories):
        play(scoring_engine, apply_event, story.strong(2026, renewable_electricity_share_pct=str(index * 5)))
    rescore_year(year=2026, engine=scoring_engine, today=TODAY)
    with scoring_engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(outbox)).scalar_one()
        cards = conn.execute(select(scorecards).order_by(scorecards.c.supplier_id)).all()

    again = rescore_year(year=2026, engine=scoring_engine, today=TODAY)

    with scoring_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(outbox)).scalar_one() == before
        after = conn.execute(select(scorecards).order_by(scorecards.c.supplier_id)).all()
        assert conn.execute(select(green_lists.c.size).where(green_lists.c.year == 2026)).scalar_one() == 6
    assert (again.changed, again.events) == (0, 0)
    strip = lambda rows: [r._asdict() | {"updated_at": None} for r in rows]  # noqa: E731
    assert strip(after) == strip(cards)


WEAK: dict[str, str] = {
    "value_added_cny": "100000000",
    "scope1_tco2e": "8000",
    "scope2_market_tco2e": "2000",
    "energy_kgce": "3400000",
    "renewable_electricity_share_pct": "0",
    "solid_waste_generated_t": "1000",
    "solid_waste_utilised_t": "750",
}
