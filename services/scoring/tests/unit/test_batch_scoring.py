"""score_population: the same scorecards as one score() per supplier, in order, on any number of processes."""

from __future__ import annotations

import gc
from collections.abc import Callable
from decimal import Decimal

import pytest

from scoring.domain import CriteriaModel, Standing, SupplierYearFacts, score
from scoring.service_layer.batch_scoring import paused_gc, score_population

INDUSTRIES = ("C3825", "C3841", "C3670", "C3311")


@pytest.fixture(scope="module")
def population(facts_builder: Callable[..., SupplierYearFacts], perfect_figures: dict[str, str]) -> list:
    suppliers = []
    for index in range(60):
        figures = dict(perfect_figures)
        figures["renewable_electricity_share_pct"] = str(index % 51)
        figures["carbon_intensity_tco2e_per_10k_cny"] = str(Decimal("0.4") + Decimal(index) / 40)
        if index % 13 == 0:
            del figures["solid_waste_utilisation_pct"]  # Unrated
        suppliers.append(
            facts_builder(
                figures,
                supplier_id=f"S{index:03d}",
                industry=INDUSTRIES[index % len(INDUSTRIES)],
                gates={"permits_valid": index % 17 != 0},
                not_applicable=frozenset({"C3"} if index % 5 == 0 else ()),
            )
        )
    return suppliers


def test_scorecards_equal_single_scores_in_input_order(population: list, model: CriteriaModel) -> None:
    assert score_population(reversed(population), model) == [score(f, model) for f in reversed(population)]


def test_forked_workers_return_the_projection_in_input_order(population: list, model: CriteriaModel) -> None:
    expected = [Standing.from_scorecard(score(f, model)) for f in population]
    projected = score_population(population, model, project=Standing.from_scorecard, workers=2, chunk=7)
    assert projected == expected
    assert any(standing is None for standing in projected)  # Unrated and failed gates take no place


def test_one_worker_or_a_small_population_stays_in_process(population: list, model: CriteriaModel) -> None:
    totals = score_population(population, model, project=lambda card: card.total, workers=1)
    assert totals == [score(f, model).total for f in population]
    # A lambda cannot be pickled, but nothing is sent to a worker below two chunks.
    assert score_population(population[:3], model, project=lambda card: card.total, chunk=2) == totals[:3]


def test_the_garbage_collector_is_paused_only_while_scoring() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
