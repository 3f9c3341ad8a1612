"""Whole-model checks: points add up, references resolve, thresholds are ordered.

Every finding names where it was found (criterion, group or gate id) so an
author can fix the file without reading code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

from scoring.domain.criteria import (
    DEFAULT_ROW,
    CriteriaModel,
    Criterion,
    Direction,
    GateRule,
    Measure,
    Method,
)
from scoring.domain.facts import Tier


def find_problems(model: CriteriaModel) -> list[str]:
    """All problems in ``model``; empty when it may be used."""
    problems = [*_check_ids(model), *_check_points(model), *_check_catalogues(model), *_check_gates(model)]
    for criterion in model.criteria:
        problems += _check_criterion(model, criterion)
    return problems


def _duplicates(ids: Iterable[str]) -> list[str]:
    return sorted(key for key, count in Counter(ids).items() if count > 1)


def _check_ids(model: CriteriaModel) -> list[str]:
    return [
        f"{dup}: {kind} id used more than once"
        for kind, items in (("criterion", model.criteria), ("group", model.groups), ("gate", model.gates))
        for dup in _duplicates(item.id for item in items)
    ]


def _check_points(model: CriteriaModel) -> list[str]:
    problems = []
    group_total = sum((group.points for group in model.groups), start=0)
    if group_total != model.total_points:
        problems.append(f"groups: points add up to {group_total}, not {model.total_points}")
    for group in model.groups:
        members = model.criteria_in(group.id)
        total = sum((criterion.points for criterion in members), start=0)
        if total != group.points:
            listed = ", ".join(f"{c.id} {c.points}" for c in members)
            problems.append(f"{group.id}: criteria ({listed}) add up to {total}, not {group.points}")
    return problems


def _check_catalogues(model: CriteriaModel) -> list[str]:
    problems = [
        f"quality_factors: no factor for tier {tier}" for tier in Tier if tier not in model.quality_factors
    ]
    problems += [
        f"quality_factors: {tier} factor {factor} is outside (0, 1]"
        for tier, factor in model.quality_factors.items()
        if not 0 < factor <= 1
    ]
    for name, spec in model.metrics.items():
        if spec.min is not None and spec.max is not None and spec.min >= spec.max:
            problems.append(f"metric {name}: min {spec.min} must be below max {spec.max}")
    return problems


def _check_gates(model: CriteriaModel) -> list[str]:
    problems = [
        f"gates: rule {rule} used more than once" for rule in _duplicates(g.rule for g in model.gates)
    ]
    if model.gate(GateRule.DATA_FILED_AND_PLAUSIBLE) is None:
        problems.append("gates: the data_filed_and_plausible gate (G4) must be present and enabled")
    for gate in model.gates:
        if gate.rule == GateRule.NO_MAJOR_INCIDENT and gate.window_months is None:
            problems.append(f"{gate.id}: no_major_incident needs window_months")
        if gate.pollutant_metric is not None and gate.pollutant_metric not in model.metrics:
            problems.append(f"{gate.id}: unknown metric {gate.pollutant_metric}")
        if (gate.pollutant_metric is None) != (gate.max_pct_of_limit is None):
            problems.append(f"{gate.id}: pollutant_metric and max_pct_of_limit go together")
    return problems


def _check_criterion(model: CriteriaModel, criterion: Criterion) -> list[str]:
    where = criterion.id
    problems = []
    if criterion.group not in {group.id for group in model.groups}:
        problems.append(f"{where}: unknown group {criterion.group!r}")
    if criterion.points <= 0:
        problems.append(f"{where}: points must be positive")
    measured = sum((measure.points for measure in criterion.measures), start=0)
    if measured != criterion.points:
        problems.append(f"{where}: measures add up to {measured}, not {criterion.points}")
    for kind in criterion.evidence.credential_types:
        if kind not in model.credential_types:
            problems.append(f"{where}: unknown credential type {kind!r}")
    for measure in criterion.measures:
        problems += [f"{where}: {problem}" for problem in _check_measure(model, criterion, measure)]
    return problems


def _check_measure(model: CriteriaModel, criterion: Criterion, measure: Measure) -> list[str]:
    if criterion.evidence.is_performance:
        if measure.metric is None:
            return [f"{measure.method} measure on performance evidence needs a metric"]
        if measure.metric not in model.metrics:
            return [f"unknown metric {measure.metric!r}"]
        if measure.method == Method.CATEGORICAL:
            return ["categorical measures read credentials, not performance figures"]
    elif measure.method in (Method.LINEAR, Method.STEP) or measure.metric is not None:
        return [f"{measure.method} measure on credential evidence cannot read a metric"]
    checker = {
        Method.LINEAR: _check_linear,
        Method.STEP: _check_steps,
        Method.CATEGORICAL: lambda m, _c: _check_categories(model, _c, m),
        Method.BOOLEAN: lambda _m, _c: [],
    }[measure.method]
    return checker(measure, criterion)


def _check_linear(measure: Measure, _criterion: Criterion) -> list[str]:
    rows = measure.linear or {}
    problems = [] if DEFAULT_ROW in rows else ["linear measure needs a 'default' row"]
    if measure.partial_floor >= measure.points:
        problems.append(f"partial_floor {measure.partial_floor} must be below points {measure.points}")
    rising = measure.direction == Direction.HIGHER_BETTER
    for key, row in rows.items():
        if row.baseline == row.leading:
            problems.append(f"row {key}: baseline and leading are both {row.baseline}")
        elif (row.leading > row.baseline) != rising:
            problems.append(
                f"row {key}: leading {row.leading} vs baseline {row.baseline} contradicts {measure.direction}"
            )
    return problems


def _check_steps(measure: Measure, _criterion: Criterion) -> list[str]:
    steps = measure.steps or ()
    if not steps:
        return ["step measure needs steps"]
    problems = []
    thresholds = [step.at for step in steps]
    if any(later <= earlier for earlier, later in pairwise(thresholds)):
        problems.append(f"step thresholds {[str(t) for t in thresholds]} must strictly ascend")
    points = [step.points for step in steps]
    ordered = sorted(points, reverse=measure.direction == Direction.LOWER_BETTER)
    if points != ordered:
        problems.append(f"step points {[str(p) for p in points]} must improve toward {measure.direction}")
    if max(points) != measure.points:
        problems.append(f"best step gives {max(points)}, not the measure's {measure.points} points")
    return problems


def _check_categories(model: CriteriaModel, criterion: Criterion, measure: Measure) -> list[str]:
    categories = measure.categories or {}
    if not categories:
        return ["categorical measure needs categories"]
    problems = []
    for key, table in categories.items():
        kind, _, attribute = key.partition(".")
        if kind not in criterion.evidence.credential_types:
            problems.append(f"category {key!r}: {kind!r} is not in the criterion's required evidence")
        allowed = model.credential_types.get(kind, {}).get(attribute)
        if allowed is None:
            problems.append(f"category {key!r}: unknown credential attribute")
            continue
        problems += [f"category {key!r}: unknown value {value!r}" for value in table if value not in allowed]
    best = max((points for table in categories.values() for points in table.values()), default=0)
    if best != measure.points:
        problems.append(f"best category gives {best}, not the measure's {measure.points} points")
    return problems
