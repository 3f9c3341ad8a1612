"""Relative positions: ranks, percentiles, A+/A/B grades, changes, and the incremental helper."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from scoring.domain import (
    Band,
    CriteriaModel,
    Grade,
    GradeShares,
    RankedPopulation,
    Standing,
    SupplierYearFacts,
    changed_positions,
    compute_positions,
    score,
)

D = Decimal


def population(totals: list[int | str], industry: str = "C3825") -> list[Standing]:
    return [Standing(f"S{i:02d}", industry, D(t)) for i, t in enumerate(totals)]


def test_twenty_distinct_totals_split_1_7_12() -> None:
    positions = compute_positions(population(list(range(100, 80, -1))))
    grades = [positions[f"S{i:02d}"].overall.grade for i in range(20)]
    assert grades == [Grade.A_PLUS] + [Grade.A] * 7 + [Grade.B] * 12
    top = positions["S00"].overall
    assert (top.rank, top.size, top.percentile) == (1, 20, D("95.00"))
    bottom = positions["S19"].overall
    assert (bottom.rank, bottom.percentile) == (20, D("0.00"))


def test_ties_share_rank_percentile_and_grade() -> None:
    positions = compute_positions(population([90, 90, 80, *range(70, 53, -1)]))
    first, second, third = (positions[f"S0{i}"].overall for i in range(3))
    assert first == second
    assert (first.rank, first.grade, first.percentile) == (1, Grade.A_PLUS, D("90.00"))
    assert (third.rank, third.grade) == (3, Grade.A)


def test_overall_and_industry_positions_differ() -> None:
    standings = [
        *population([95, 90, 85, 80]),
        *[Standing(f"T{i}", "C3841", D(t)) for i, t in enumerate([99, 60])],
    ]
    positions = compute_positions(standings)
    s00 = positions["S00"]
    assert (s00.overall.rank, s00.overall.size) == (2, 6)
    assert (s00.in_industry.rank, s00.in_industry.size) == (1, 4)
    assert positions["T1"].in_industry.rank == 2


def test_theme_floor_caps_the_grade_without_promoting_anyone() -> None:
    standings = population(list(range(100, 80, -1)))
    standings[0] = Standing("S00", "C3825", D(100), capped=True)
    positions = compute_positions(standings)
    assert positions["S00"].overall.rank == 1
    assert positions["S00"].overall.grade == Grade.B
    assert positions["S00"].in_industry.grade == Grade.B
    assert positions["S01"].overall.grade == Grade.A


def test_lone_supplier_and_empty_population() -> None:
    assert compute_positions([]) == {}
    alone = compute_positions(population([77]))["S00"].overall
    assert (alone.rank, alone.size, alone.percentile, alone.grade) == (1, 1, D("0.00"), Grade.B)


def test_a_supplier_may_appear_only_once() -> None:
    with pytest.raises(ValueError, match="more than once"):
        compute_positions([Standing("S", "C", D(1)), Standing("S", "C", D(2))])


def test_custom_shares() -> None:
    shares = GradeShares(a_plus=D(10), a=D(40), b=D(50))
    grades = Counter(p.overall.grade for p in compute_positions(population(list(range(20))), shares).values())
    assert grades == {Grade.A_PLUS: 2, Grade.A: 8, Grade.B: 10}


def test_unrated_or_gate_failed_scorecards_take_no_place(
    model: CriteriaModel, facts_builder: Callable[..., SupplierYearFacts]
) -> None:
    rated = score(facts_builder(), model)
    unrated = score(facts_builder(gates={"data_filed": False}), model)
    banned = score(facts_builder(gates={"falsified_data_ban_until": date(2026, 12, 31)}), model)
    standing = Standing.from_scorecard(rated)
    assert standing == Standing("S1", "C3311", D("100.00"), Band.LEADING, False)
    assert Standing.from_scorecard(unrated) is None
    assert Standing.from_scorecard(banned) is None


def test_changed_positions_reports_only_grade_band_entry_and_exit() -> None:
    old = compute_positions(population([100, 99, 98, 97, *range(60, 44, -1)]))
    # S01 overtakes S00: grades swap. S19 leaves, S99 enters. S05 moves a little, same grade.
    totals = [99, 100, 98, 97, 60, 58, *range(58, 45, -1), None]
    standings = [Standing(f"S{i:02d}", "C3825", D(t)) for i, t in enumerate(totals) if t is not None]
    new = compute_positions([*standings, Standing("S99", "C3825", D(10))])
    changes = changed_positions(old, new)
    assert [c.supplier_id for c in changes] == ["S00", "S01", "S19", "S99"]
    assert changes[2].after is None
    assert changes[3].before is None


def test_band_change_alone_is_reported() -> None:
    old = compute_positions([Standing("S", "C", D(80), Band.QUALIFIED_PLUS)])
    new = compute_positions([Standing("S", "C", D(80), Band.NON_COMPLIANT)])
    assert [c.supplier_id for c in changed_positions(old, new)] == ["S"]
    assert changed_positions(old, old) == []


def _big_population(size: int, industries: int, seed: int = 7) -> list[Standing]:
    rng = random.Random(seed)
    return [
        Standing(f"S{i:06d}", f"C{3800 + rng.randrange(industries)}", D(rng.randrange(0, 10001)).scaleb(-2))
        for i in range(size)
    ]


def test_hundred_thousand_suppliers_stay_fast() -> None:
    standings = _big_population(100_000, 20)
    started = time.perf_counter()
    positions = compute_positions(standings)
    elapsed = time.perf_counter() - started
    assert len(positions) == 100_000
    assert elapsed < 10, elapsed  # generous for slow machines; the benchmark tracks the real figure


# --- incremental helper ---------------------------------------------------------------------------


def test_ranked_population_agrees_with_compute_positions() -> None:
    standings = _big_population(2_000, 1)
    ranked = RankedPopulation((s.supplier_id, s.total) for s in standings)
    positions = compute_positions(standings)
    for standing in standings[:200]:
        placement = positions[standing.supplier_id].overall
        assert ranked.rank(standing.supplier_id) == placement.rank
        assert ranked.grade(standing.supplier_id) == placement.grade


def test_ranked_population_update_reports_the_grades_that_moved() -> None:
    ranked = RankedPopulation((f"S{i:02d}", D(100 - i)) for i in range(20))
    assert ranked.grade("S00") == Grade.A_PLUS
    changes = ranked.update("S10", D(101))  # jumps to the top: S00 drops to A, S07 to B
    assert [(c.supplier_id, c.before, c.after) for c in changes] == [
        ("S00", Grade.A_PLUS, Grade.A),
        ("S07", Grade.A, Grade.B),
        ("S10", Grade.B, Grade.A_PLUS),
    ]
    assert ranked.update("S10", D(101)) == []
    left = ranked.update("S10", None)
    assert ("S10", Grade.A_PLUS, None) in [(c.supplier_id, c.before, c.after) for c in left]
    assert "S10" not in ranked
    assert len(ranked) == 19
