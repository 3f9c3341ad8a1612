"""The optimised score() gives exactly the scorecards of the straightforward implementation.

``golden_scorecards.json`` holds, per supplier of a seeded sample, a digest of the scorecard JSON
that the reference implementation (before the per-industry plans and unvalidated construction)
produced. Any change in a total, point, explanation, evidence id, gate or date changes a digest.
When a rule or the packaged model changes on purpose, regenerate the file and review the diff:

    uv run python services/scoring/tests/unit/test_scoring_golden.py
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.domain import (
    Credential,
    CredentialState,
    CriteriaModel,
    Figure,
    GateInputs,
    Scorecard,
    SupplierYearFacts,
    Tier,
    load_model_data,
    load_packaged_model,
    parse_model,
    score,
)

GOLDEN = Path(__file__).with_name("golden_scorecards.json")
SAMPLE = 600
INDUSTRIES = ("C3825", "C3841", "C3670", "C36", "C3311", "D4411", "C")
AS_OF_DATES = (*[date(2026, 3, 31)] * 6, date(2026, 1, 31), date(2028, 2, 29))
PERIOD_ENDS = (*[None] * 12, date(2025, 12, 31), date(2024, 3, 31), date(2023, 6, 30))


def models() -> dict[str, CriteriaModel]:
    """The packaged model, and a variant with grace days and the optional G5 gate enabled."""
    data = load_model_data("2026.1")
    data["version"] = "2026.99"
    data["credential_grace_days"] = 30
    data["gates"] = [{**gate, "enabled": True} for gate in data["gates"]]
    return {"packaged": load_packaged_model("2026.1"), "variant": parse_model(data)}


def _good_values(model: CriteriaModel) -> dict[str, Decimal]:
    """A value near full points per metric (leading value or best step), so every band occurs."""
    good: dict[str, Decimal] = {}
    for criterion in model.criteria:
        for measure in criterion.measures:
            if measure.metric and measure.linear:
                good[measure.metric] = measure.linear["default"].leading
            elif measure.metric and measure.steps:
                good[measure.metric] = max(measure.steps, key=lambda step: step.points).at
    return good


def _value(rng: random.Random, low: Decimal, high: Decimal, good: Decimal | None) -> Decimal:
    if rng.random() < 0.005:  # implausible: outside the metric's range
        return high + 5
    if good is not None and rng.random() < 0.85:
        jittered = good * Decimal(rng.randint(70, 130)) / 100
        return min(max(jittered, low), high).quantize(Decimal("0.01"))
    return Decimal(rng.randint(int(low * 100), int(high * 100))).scaleb(-2)


def _figures(rng: random.Random, model: CriteriaModel) -> dict[str, Figure]:
    figures = {}
    good = _good_values(model)
    for metric, spec in model.metrics.items():
        if rng.random() < 0.04:
            continue
        # Open or wide ranges (intensities, % of a limit) mostly near the scoring thresholds.
        high = spec.max if spec.max is not None and spec.max <= 100 else Decimal(rng.choice([3, 150, 2000]))
        figures[metric] = Figure(
            value=_value(rng, spec.min or Decimal(0), high, good.get(metric)),
            tier=rng.choice(list(Tier)),
            period_end=rng.choice(PERIOD_ENDS),
            evidence_id=rng.choice([None, f"EV-{metric[:6]}"]),
        )
    return figures


def _credentials(rng: random.Random, model: CriteriaModel, as_of: date) -> tuple[Credential, ...]:
    result = []
    for index in range(rng.randint(0, 9)):
        kind = rng.choice(sorted(model.credential_types))
        attributes = {name: rng.choice(values) for name, values in model.credential_types[kind].items()}
        issued = as_of - timedelta(days=rng.randint(-30, 1000))
        expires = rng.choice([None, issued + timedelta(days=rng.randint(0, 1500))])
        state = rng.choices(list(CredentialState), [1, 8, 1, 1, 1])[0]
        result.append(Credential(id=f"CR-{index}", type=kind, state=state, issued_on=issued,
                                 expires_on=expires, attributes=attributes))  # fmt: skip
    return tuple(result)


def _gates(rng: random.Random, as_of: date) -> GateInputs:
    rare = rng.random() < 0.15
    return GateInputs(
        permits_valid=not (rare and rng.random() < 0.3),
        last_major_incident_on=as_of - timedelta(days=rng.randint(0, 1500)) if rare else None,
        falsified_data_ban_until=as_of + timedelta(days=rng.randint(-200, 200)) if rare else None,
        data_filed=not (rare and rng.random() < 0.2),
        abnormal=rare and rng.random() < 0.2,
        abnormal_reasons=("spike",) if rng.random() < 0.5 else (),
        obsolete_equipment=rng.choice([None, False, False, True]),
    )


def sample(model: CriteriaModel, seed: int = 4754) -> list[SupplierYearFacts]:
    rng = random.Random(seed)
    criteria = [criterion.id for criterion in model.criteria]
    population = []
    for index in range(SAMPLE):
        as_of = rng.choice(AS_OF_DATES)
        population.append(
            SupplierYearFacts(
                supplier_id=f"S{index:04d}",
                industry=rng.choice(INDUSTRIES),
                year=2025,
                as_of=as_of,
                figures=_figures(rng, model),
                credentials=_credentials(rng, model, as_of),
                gates=_gates(rng, as_of),
                not_applicable=frozenset(rng.sample(criteria, rng.choice([0, 0, 1, 2, 5]))),
            )
        )
    return population


def digest(card: Scorecard) -> str:
    return hashlib.sha256(card.model_dump_json().encode()).hexdigest()[:20]


def digests() -> dict[str, dict[str, str]]:
    return {
        name: {facts.supplier_id: digest(score(facts, model)) for facts in sample(model)}
        for name, model in models().items()
    }


@pytest.mark.parametrize("name", ["packaged", "variant"])
def test_scorecards_equal_the_reference_implementation(name: str) -> None:
    expected = json.loads(GOLDEN.read_text())[name]
    model = models()[name]
    actual = {facts.supplier_id: digest(score(facts, model)) for facts in sample(model)}
    differing = sorted(sid for sid in expected if actual.get(sid) != expected[sid])
    assert not differing, f"{len(differing)} scorecards differ, first: {differing[:5]}"
    assert actual.keys() == expected.keys()


@pytest.mark.parametrize("name", ["packaged", "variant"])
def test_scorecards_built_without_validation_are_valid(name: str) -> None:
    """Validating a scorecard's dump again gives an equal scorecard of the same JSON."""
    model = models()[name]
    for facts in sample(model)[:150]:
        card = score(facts, model)
        again = Scorecard.model_validate(card.model_dump())
        assert again == card
        assert again.model_dump_json() == card.model_dump_json()


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(digests(), indent=0, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
