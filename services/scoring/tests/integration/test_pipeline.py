"""Supplier events through the real handlers on PostgreSQL: read model, scorecards, outbox events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select

from scoring.adapters.orm import outbox, processed_events
from scoring.adapters.tables.scorecards import scorecard_history, scorecards

YEAR = 2026


def events_of(engine: Engine, supplier_id: Any = None) -> list[tuple[str, dict[str, Any]]]:
    query = select(outbox.c.event_type, outbox.c.payload).order_by(outbox.c.seq)
    if supplier_id is not None:
        query = query.where(outbox.c.key == str(supplier_id))
    with engine.connect() as conn:
        return [(".".join(t.split(".")[2:-1]), p) for t, p in conn.execute(query)]


def card_of(engine: Engine, supplier_id: Any, year: int = YEAR) -> Any:
    with engine.connect() as conn:
        return conn.execute(
            select(scorecards).where(scorecards.c.supplier_id == supplier_id, scorecards.c.year == year)
        ).first()


def test_a_registration_gives_an_unrated_first_scorecard_and_score_changed(
    scoring_engine: Engine, supplier: Callable, apply_event: Callable
):
    story = supplier("C3825")
    apply_event(scoring_engine, story.registered())

    card = card_of(scoring_engine, story.supplier_id)
    assert (card.rated, card.total, card.band, card.revision) == (False, None, "Unrated", 1)
    kinds = [kind for kind, _ in events_of(scoring_engine, story.supplier_id)]
    assert kinds == ["score.changed", "unrated"]
    changed = events_of(scoring_engine, story.supplier_id)[0][1]
    assert changed["score"] is None
    assert changed["band"] == "Unrated"
    assert changed["previous_band"] is None


def test_a_redelivered_event_has_no_second_effect(
    scoring_engine: Engine, supplier: Callable, apply_event: Callable
):
    story = supplier("C3825")
    apply_event(scoring_engine, story.registered())
    report = story.performance(YEAR)
    apply_event(scoring_engine, report, event_id=(same := __import__("uuid").uuid4()))
    before = len(events_of(scoring_engine))

    apply_event(scoring_engine, report, event_id=same)

    assert len(events_of(scoring_engine)) == before
    assert card_of(scoring_engine, story.supplier_id).revision == 2
    with scoring_engine.connect() as conn:
        marks = conn.execute(select(processed_events).where(processed_events.c.event_id == same)).all()
    assert len(marks) == 1


def test_a_verified_iso_14001_raises_the_score_and_is_explained(
    scoring_engine: Engine, supplier: Callable, apply_event: Callable
):
    story = supplier("C3825")
    apply_event(scoring_engine, story.registered())
    apply_event(scoring_engine, story.performance(YEAR))
    before = card_of(scoring_engine, story.supplier_id)
    assert before.rated
    assert before.total is not None
    iso = story.credential("iso_14001", "submitted")
    apply_event(scoring_engine, iso)
    assert card_of(scoring_engine, story.supplier_id).total == before.total  # submitted counts for nothing

    apply_event(
        scoring_engine,
        story.credential("iso_14001", "verified", credential_id=iso.credential.credential_id, version=2),
    )

    after = card_of(scoring_engine, story.supplier_id)
    assert after.total == before.total + Decimal(3)
    with scoring_engine.connect() as conn:
        card = conn.execute(
            select(scorecard_history.c.card).where(
                scorecard_history.c.supplier_id == story.supplier_id,
                scorecard_history.c.revision == after.revision,
            )
        ).scalar_one()
    m2 = next(c for c in card["criteria"] if c["criterion_id"] == "M2")
    assert m2["points"] == "3.00"
    assert m2["evidence_ids"] == [str(iso.credential.credential_id)]
    changed = [p for kind, p in events_of(scoring_engine, story.supplier_id) if kind == "score.changed"][-1]
    assert Decimal(changed["score"]) - Decimal(changed["previous_score"]) == 3


def test_an_abnormal_year_publishes_unrated(
    scoring_engine: Engine, supplier: Callable, apply_event: Callable
):
    story = supplier("C3825")
    apply_event(scoring_engine, story.registered())
    apply_event(scoring_engine, story.performance(YEAR))
    assert card_of(scoring_engine, story.supplier_id).rated

    before = len(events_of(scoring_engine, story.supplier_id))

    apply_event(scoring_engine, story.flagged(YEAR))

    card = card_of(scoring_engine, story.supplier_id)
    assert (card.rated, card.band) == (False, "Unrated")
    kinds = [kind for kind, _ in events_of(scoring_engine, story.supplier_id)[before:]]
    # ... and it leaves the ranking: no grade while Unrated, overall and in its industry.
    assert kinds == ["score.changed", "band.changed", "unrated", "grade.changed", "grade.changed"]
    grades = [
        p["grade"]
        for kind, p in events_of(scoring_engine, story.supplier_id)[before:]
        if kind == "grade.changed"
    ]
    assert grades == [None, None]
    unrated = [p for kind, p in events_of(scoring_engine, story.supplier_id) if kind == "unrated"][-1]
    assert "abnormal" in unrated["reason"]
    assert unrated["previous_score"] is not None


def test_a_supplier_overtaking_the_leader_changes_only_their_two_grades(
    scoring_engine: Engine, supplier: Callable, apply_event: Callable
):
    stories = [supplier("C3825") for _ in range(20)]
    for index, story in enumerate(stories):  # distinct totals: renewable share 0, 2, ... 38 %
        for event in story.strong(YEAR, renewable_electricity_share_pct=str(index * 2)):
            apply_event(scoring_engine, event)
    grades = {s.supplier_id: card_of(scoring_engine, s.supplier_id).grade for s in stories}
    assert Counter(grades.values()) == {"A+": 1, "A": 7, "B": 12}  # 5 % / 35 % / 60 % of 20
    leader, third = stories[-1], stories[-3]
    seq_before = len(events_of(scoring_engine))

    apply_event(scoring_engine, third.revised(YEAR, 2, renewable_electricity_share_pct="50"))

    moved = [
        (p["supplier_id"], p["scope"], p["previous_grade"], p["grade"])
        for kind, p in events_of(scoring_engine)[seq_before:]
        if kind == "grade.changed"
    ]
    assert sorted(moved) == sorted(
        [
            (str(third.supplier_id), "overall", "A", "A+"),
            (str(third.supplier_id), "industry", "A", "A+"),
            (str(leader.supplier_id), "overall", "A+", "A"),
            (str(leader.supplier_id), "industry", "A+", "A"),
        ]
    )
    assert card_of(scoring_engine, leader.supplier_id).grade == "A"
