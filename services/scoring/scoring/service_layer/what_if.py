"""What-if: score submitted facts against a model version, storing nothing.

A supplier sees what an improvement would be worth before filing it. The facts are checked against
the chosen model more strictly than filed data: a figure the model does not know or outside its
plausible range is refused naming the field, rather than scored as an Unrated year.
"""

from __future__ import annotations

from datetime import date

from scoring.domain import CriteriaModel, ModelRegistry, Scorecard, SupplierYearFacts, score
from scoring.domain.criteria import MetricSpec
from scoring.domain.errors import UnknownModelVersion


class WhatIfInvalid(ValueError):
    """Facts the chosen model cannot score; ``extensions`` carries the problem's field errors."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("Some figures cannot be scored by this model.")
        self.extensions = {"errors": errors}


def score_what_if(
    *, facts: SupplierYearFacts, model_version: str | None, registry: ModelRegistry
) -> Scorecard:
    """The scorecard ``facts`` would get; raises UnknownModelVersion or WhatIfInvalid."""
    model = _model(registry, model_version, facts.as_of)
    errors = _problems(facts, model)
    if errors:
        raise WhatIfInvalid(errors)
    return score(facts, model)


def _model(registry: ModelRegistry, version: str | None, day: date) -> CriteriaModel:
    if version is not None:
        return registry.get(version)
    try:
        return registry.current(day)
    except UnknownModelVersion:
        detail = f"no criteria model is in effect on {day.isoformat()}; name a model_version"
        raise WhatIfInvalid([{"pointer": "#/as_of", "detail": detail}]) from None


def _problems(facts: SupplierYearFacts, model: CriteriaModel) -> list[dict[str, str]]:
    errors = []
    for metric, figure in sorted(facts.figures.items()):
        spec = model.metrics.get(metric)
        pointer = f"#/figures/{metric.replace('~', '~0').replace('/', '~1')}"
        if spec is None:
            errors.append({"pointer": pointer, "detail": f"model {model.version} has no metric {metric!r}"})
        elif (spec.min is not None and figure.value < spec.min) or (
            spec.max is not None and figure.value > spec.max
        ):
            detail = f"{figure.value} is implausible for {metric}: {_plausible(spec)} ({spec.unit})"
            errors.append({"pointer": f"{pointer}/value", "detail": detail})
    known = {criterion.id for criterion in model.criteria}
    errors += [
        {"pointer": "#/not_applicable", "detail": f"model {model.version} has no criterion {cid!r}"}
        for cid in sorted(facts.not_applicable - known)
    ]
    return errors


def _plausible(spec: MetricSpec) -> str:
    if spec.min is not None and spec.max is not None:
        return f"expected {spec.min} to {spec.max}"
    return f"expected at least {spec.min}" if spec.min is not None else f"expected at most {spec.max}"
