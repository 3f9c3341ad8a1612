"""Pass/fail gates G1-G5. Disabled gates are not evaluated and do not appear on the scorecard."""

from __future__ import annotations

from collections.abc import Callable

from scoring.domain.criteria import Gate, GateRule
from scoring.domain.dates import add_months
from scoring.domain.facts import SupplierYearFacts
from scoring.domain.plan import ScoringPlan
from scoring.domain.scorecard import GateResult, trusted

_Rule = Callable[[SupplierYearFacts, ScoringPlan, Gate], list[str]]


def evaluate_gates(facts: SupplierYearFacts, plan: ScoringPlan) -> tuple[GateResult, ...]:
    """Each enabled gate's result, in the model's order."""
    results = []
    for gate in plan.model.gates:
        if not gate.enabled:
            continue
        failures = _RULES[gate.rule](facts, plan, gate)
        reason = "; ".join(failures) if failures else "passed"
        results.append(
            trusted(GateResult, gate_id=gate.id, rule=gate.rule, passed=not failures, reason=reason)
        )
    return tuple(results)


def _legal_permits(facts: SupplierYearFacts, _plan: ScoringPlan, gate: Gate) -> list[str]:
    failures = []
    if not facts.gates.permits_valid:
        failures.append("a legal permit (licence, EIA approval or pollutant permit) is not valid")
    figure = facts.figures.get(gate.pollutant_metric or "")
    if figure is not None and gate.max_pct_of_limit is not None and figure.value > gate.max_pct_of_limit:
        failures.append(f"{gate.pollutant_metric} {figure.value} exceeds {gate.max_pct_of_limit}")
    return failures


def _no_major_incident(facts: SupplierYearFacts, _plan: ScoringPlan, gate: Gate) -> list[str]:
    incident = facts.gates.last_major_incident_on
    window = gate.window_months or 0
    if incident is not None and incident <= facts.as_of <= add_months(incident, window):
        return [f"major incident on {incident}, within {window} months"]
    return []


def _no_falsified_data(facts: SupplierYearFacts, _plan: ScoringPlan, _gate: Gate) -> list[str]:
    ban = facts.gates.falsified_data_ban_until
    return [f"falsified-data ban until {ban}"] if ban is not None and facts.as_of <= ban else []


def _data_filed_and_plausible(facts: SupplierYearFacts, plan: ScoringPlan, _gate: Gate) -> list[str]:
    """G4: filed, not flagged abnormal, every figure in its metric's range, no must-have figure missing."""
    failures = [] if facts.gates.data_filed else [f"data for {facts.year} not filed"]
    if facts.gates.abnormal:
        reasons = ", ".join(facts.gates.abnormal_reasons) or "no reason given"
        failures.append(f"data flagged abnormal ({reasons})")
    for metric, figure in sorted(facts.figures.items()):
        spec = plan.model.metrics.get(metric)
        if spec is None:
            continue  # figures the model does not read cannot make it implausible
        if (spec.min is not None and figure.value < spec.min) or (
            spec.max is not None and figure.value > spec.max
        ):
            failures.append(f"{metric} {figure.value} outside [{spec.min}, {spec.max}]")
    missing = sorted(
        metric
        for criterion, metrics in plan.unrated_metrics
        if not criterion.waived_by(facts.not_applicable)
        for metric in metrics
        if metric not in facts.figures
    )
    if missing:
        failures.append(f"required figures missing: {', '.join(missing)}")
    return failures


def _no_obsolete_equipment(facts: SupplierYearFacts, _plan: ScoringPlan, _gate: Gate) -> list[str]:
    if facts.gates.obsolete_equipment is None:
        return ["equipment list not filed"]
    return ["obsolete equipment in use"] if facts.gates.obsolete_equipment else []


_RULES: dict[GateRule, _Rule] = {
    GateRule.LEGAL_PERMITS: _legal_permits,
    GateRule.NO_MAJOR_INCIDENT: _no_major_incident,
    GateRule.NO_FALSIFIED_DATA: _no_falsified_data,
    GateRule.DATA_FILED_AND_PLAUSIBLE: _data_filed_and_plausible,
    GateRule.NO_OBSOLETE_EQUIPMENT: _no_obsolete_equipment,
}
