"""Property tests: invariants of scoring and of relative grades, on generated inputs."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.domain import (
    Band,
    Credential,
    CredentialState,
    Direction,
    Figure,
    GateInputs,
    GateRule,
    Grade,
    GradeShares,
    ModelInvalid,
    RankedPopulation,
    Standing,
    SupplierYearFacts,
    Tier,
    compute_positions,
    load_model_data,
    load_packaged_model,
    parse_model,
    score,
)

MODEL = load_packaged_model("2026.1")
AS_OF = date(2026, 3, 31)
DIRECTIONS = {m.metric: m.direction for c in MODEL.criteria for m in c.measures if m.metric}
REQUIRED = {m for c in MODEL.criteria if c.missing == "unrated" for m in c.metrics}
ATTRIBUTE_VALUES = {
    kind: [(attribute, value) for attribute, values in attrs.items() for value in values]
    for kind, attrs in MODEL.credential_types.items()
}

RAW_MODEL = load_model_data("2026.1")
# Per-test settings, not a global profile: other services' suites share the session.
thorough = settings(deadline=None, max_examples=150)


def _bounds(metric: str) -> tuple[Decimal, Decimal]:
    spec = MODEL.metrics[metric]
    return spec.min or Decimal(0), spec.max if spec.max is not None else Decimal(2000)


@st.composite
def figure_values(draw: st.DrawFn, metric: str) -> Decimal:
    low, high = _bounds(metric)
    return draw(st.decimals(min_value=low, max_value=high, places=2, allow_nan=False, allow_infinity=False))


@st.composite
def figures(draw: st.DrawFn) -> dict[str, Figure]:
    chosen = {m for m in MODEL.metrics if m in REQUIRED or draw(st.booleans())}
    return {
        metric: Figure(
            value=draw(figure_values(metric)),
            tier=draw(st.sampled_from(Tier)),
            period_end=draw(st.sampled_from([None, date(2025, 12, 31), date(2023, 6, 30)])),
        )
        for metric in sorted(chosen)
    }


@st.composite
def credentials(draw: st.DrawFn) -> tuple[Credential, ...]:
    count = draw(st.integers(min_value=0, max_value=8))
    result = []
    for index in range(count):
        kind = draw(st.sampled_from(sorted(MODEL.credential_types)))
        attributes = (
            dict(draw(st.lists(st.sampled_from(ATTRIBUTE_VALUES[kind]), max_size=1)))
            if ATTRIBUTE_VALUES[kind]
            else {}
        )
        issued = AS_OF - timedelta(days=draw(st.integers(min_value=-30, max_value=2000)))
        expires = draw(st.one_of(st.none(), st.just(issued + timedelta(days=draw(st.integers(0, 1500))))))
        state = draw(st.sampled_from(CredentialState))
        result.append(
            Credential(
                id=f"CR-{index}",
                type=kind,
                state=state,
                issued_on=issued,
                expires_on=expires,
                attributes=attributes,
            )
        )
    return tuple(result)


@st.composite
def facts(draw: st.DrawFn, clean_gates: bool = False) -> SupplierYearFacts:
    gates = GateInputs(
        permits_valid=clean_gates or draw(st.booleans()),
        last_major_incident_on=None
        if clean_gates
        else draw(st.one_of(st.none(), st.dates(date(2020, 1, 1), AS_OF))),
        falsified_data_ban_until=None
        if clean_gates
        else draw(st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2027, 1, 1)))),
        data_filed=clean_gates or draw(st.booleans()),
        abnormal=False if clean_gates else draw(st.booleans()),
    )
    return SupplierYearFacts(
        supplier_id="S1",
        industry=draw(st.sampled_from(["C3825", "C3841", "C3670", "C3311", "D4411"])),
        year=2025,
        as_of=AS_OF,
        figures=draw(figures()),
        credentials=draw(credentials()),
        gates=gates,
        not_applicable=frozenset(draw(st.sets(st.sampled_from([c.id for c in MODEL.criteria]), max_size=6))),
    )


# --- scoring ----------------------------------------------------------------------------------


@thorough
@given(facts())
def test_totals_and_points_stay_within_their_limits(supplier: SupplierYearFacts) -> None:
    card = score(supplier, MODEL)
    if card.total is not None:
        assert Decimal(0) <= card.total <= Decimal(100)
        assert card.total == card.total.quantize(Decimal("0.01"))
    for result in card.criteria:
        assert Decimal(0) <= result.points <= result.max_points
    for group in card.groups:
        assert Decimal(0) <= group.points <= group.max_points


@thorough
@given(facts(clean_gates=True), st.sampled_from(sorted(DIRECTIONS)), st.sampled_from(Tier), st.data())
def test_a_better_figure_never_lowers_the_total(
    supplier: SupplierYearFacts, metric: str, tier: Tier, data: st.DataObject
) -> None:
    low, high = _bounds(metric)
    pair = [data.draw(st.decimals(min_value=low, max_value=high, places=2)) for _ in range(2)]
    worse, better = sorted(pair, reverse=DIRECTIONS[metric] == Direction.LOWER_BETTER)

    def with_value(value: Decimal) -> SupplierYearFacts:
        figures = {**supplier.figures, metric: Figure(value=value, tier=tier)}
        return supplier.model_copy(update={"figures": figures})

    before, after = score(with_value(worse), MODEL), score(with_value(better), MODEL)
    assert before.total is not None
    assert after.total is not None
    assert after.total >= before.total


@thorough
@given(facts(), st.sampled_from(["permits_valid", "last_major_incident_on", "falsified_data_ban_until"]))
def test_a_failed_gate_always_gives_non_compliant(supplier: SupplierYearFacts, breach: str) -> None:
    failing: dict[str, Any] = {
        "permits_valid": False,
        "last_major_incident_on": AS_OF - timedelta(days=30),
        "falsified_data_ban_until": AS_OF + timedelta(days=30),
    }
    broken = supplier.model_copy(
        update={"gates": supplier.gates.model_copy(update={breach: failing[breach]})}
    )
    card = score(broken, MODEL)
    assert card.band == Band.NON_COMPLIANT
    assert any(not g.passed and g.rule != GateRule.DATA_FILED_AND_PLAUSIBLE for g in card.gates)


@thorough
@given(facts())
def test_band_follows_gates_and_total(supplier: SupplierYearFacts) -> None:
    card = score(supplier, MODEL)
    hard_fail = any(not g.passed and g.rule != GateRule.DATA_FILED_AND_PLAUSIBLE for g in card.gates)
    if hard_fail:
        assert card.band == Band.NON_COMPLIANT
    elif card.total is None:
        assert card.band == Band.UNRATED
    else:
        assert card.band == MODEL.bands.band_for(card.total)


@thorough
@given(facts(), st.randoms(use_true_random=False))
def test_scorecard_ignores_the_order_facts_arrive_in(supplier: SupplierYearFacts, rng: Any) -> None:
    shuffled_credentials = list(supplier.credentials)
    rng.shuffle(shuffled_credentials)
    items = list(supplier.figures.items())
    rng.shuffle(items)
    reordered = supplier.model_copy(
        update={"credentials": tuple(shuffled_credentials), "figures": dict(items)}
    )
    assert score(reordered, MODEL) == score(supplier, MODEL)


@thorough
@given(st.sampled_from([c.id for c in MODEL.criteria]), st.integers(min_value=1, max_value=5))
def test_changing_one_criterion_points_is_refused_naming_it(criterion_id: str, extra: int) -> None:
    data = copy.deepcopy(RAW_MODEL)
    target = next(c for c in data["criteria"] if c["id"] == criterion_id)
    target["points"] = Decimal(target["points"]) + extra
    with pytest.raises(ModelInvalid, match=criterion_id):
        parse_model(data)


# --- relative grades --------------------------------------------------------------------------------

INDUSTRIES = [f"C{3800 + i}" for i in range(5)]


def _counts(grades: list[Grade]) -> tuple[int, int]:
    counted = Counter(grades)
    return counted[Grade.A_PLUS], counted[Grade.A_PLUS] + counted[Grade.A]


@thorough
@given(
    st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from(INDUSTRIES)), max_size=400, unique_by=lambda t: t[0]
    )
)
def test_distinct_totals_partition_5_35_60_overall_and_per_industry(rows: list[tuple[int, str]]) -> None:
    standings = [Standing(f"S{i}", industry, Decimal(t).scaleb(-2)) for i, (t, industry) in enumerate(rows)]
    positions = compute_positions(standings)
    shares = GradeShares()
    assert _counts([p.overall.grade for p in positions.values()]) == shares.cutoffs(len(standings))
    for industry in INDUSTRIES:
        members = [p for p in positions.values() if p.industry == industry]
        assert _counts([p.in_industry.grade for p in members]) == shares.cutoffs(len(members))
    # "Up to rounding": each cumulative count is within half a place of its exact share.
    a_plus, a_or_better = shares.cutoffs(len(standings))
    assert abs(a_plus - Decimal(len(standings)) * 5 / 100) <= Decimal("0.5")
    assert abs(a_or_better - Decimal(len(standings)) * 40 / 100) <= Decimal("0.5")


@thorough
@given(st.lists(st.integers(0, 20), min_size=1, max_size=300))
def test_ties_share_a_grade_and_only_stretch_a_grade_by_the_tie(totals: list[int]) -> None:
    positions = compute_positions(Standing(f"S{i}", "C", Decimal(t)) for i, t in enumerate(totals))
    by_total: dict[Decimal, set[Grade]] = {}
    for position in positions.values():
        by_total.setdefault(position.total, set()).add(position.overall.grade)
    assert all(len(grades) == 1 for grades in by_total.values())
    biggest_tie = max(Counter(totals).values())
    for actual, cutoff in zip(
        _counts([p.overall.grade for p in positions.values()]),
        GradeShares().cutoffs(len(totals)),
        strict=True,
    ):
        assert cutoff <= actual <= cutoff + biggest_tie - 1


@thorough
@given(
    st.dictionaries(st.sampled_from([f"S{i:02d}" for i in range(40)]), st.integers(0, 30), min_size=1),
    st.lists(
        st.tuples(
            st.sampled_from([f"S{i:02d}" for i in range(45)]), st.one_of(st.none(), st.integers(0, 30))
        ),
        max_size=15,
    ),
)
def test_incremental_updates_match_a_full_recomputation(
    start: dict[str, int], updates: list[tuple[str, int | None]]
) -> None:
    ranked = RankedPopulation((sid, Decimal(t)) for sid, t in start.items())
    current = {sid: Decimal(t) for sid, t in start.items()}
    for supplier_id, total in updates:
        before = _grades(current)
        if total is None:
            current.pop(supplier_id, None)
        else:
            current[supplier_id] = Decimal(total)
        after = _grades(current)
        reported = {
            (c.supplier_id, c.before, c.after)
            for c in ranked.update(supplier_id, None if total is None else Decimal(total))
        }
        expected = {
            (sid, before.get(sid), after.get(sid))
            for sid in before.keys() | after.keys()
            if before.get(sid) != after.get(sid)
        }
        assert reported == expected


def _grades(totals: dict[str, Decimal]) -> dict[str, Grade]:
    positions = compute_positions(Standing(sid, "C", total) for sid, total in totals.items())
    return {sid: p.overall.grade for sid, p in positions.items()}
