"""The four scoring methods as pure functions of a value (or credentials) and a measure.

Each returns the points before data-quality penalty and redistribution, with a
short explanation of how they were reached.
"""

from __future__ import annotations

from decimal import Decimal

from scoring.domain.criteria import Direction, LinearRow, Measure, Method, Step
from scoring.domain.facts import Credential

ZERO = Decimal(0)


def linear_points(value: Decimal, row: LinearRow, points: Decimal, partial_floor: Decimal = ZERO) -> Decimal:
    """Interpolate from ``partial_floor`` at the baseline to ``points`` at the leading value.

    Values worse than the baseline earn 0; values beyond the leading value earn
    full points. The direction is implied by the row (leading above or below baseline).
    """
    progress = (value - row.baseline) / (row.leading - row.baseline)
    if progress < 0:
        return ZERO
    return partial_floor + (points - partial_floor) * min(progress, Decimal(1))


def step_points(value: Decimal, steps: tuple[Step, ...], direction: Direction) -> tuple[Decimal, Step | None]:
    """Best step reached: ``value >= at`` when higher is better, ``value <= at`` when lower is better."""
    if direction == Direction.HIGHER_BETTER:
        reached = [step for step in steps if value >= step.at]
    else:
        reached = [step for step in steps if value <= step.at]
    best = max(reached, key=lambda step: step.points, default=None)
    return (best.points if best else ZERO), best


def categorical_points(
    credential: Credential, categories: dict[str, dict[str, Decimal]]
) -> tuple[Decimal, str]:
    """Points the credential's attribute earns, with the matched 'type.attribute=value' label."""
    best, label = ZERO, ""
    for key in sorted(categories):
        kind, _, attribute = key.partition(".")
        value = credential.attributes.get(attribute)
        if kind != credential.type or value is None or value not in categories[key]:
            continue
        if categories[key][value] > best:
            best, label = categories[key][value], f"{key}={value}"
    return best, label


def figure_points(measure: Measure, value: Decimal, industry: str) -> tuple[Decimal, str]:
    """Points for a performance figure under a linear, step or boolean measure."""
    if measure.method == Method.LINEAR:
        key, row = measure.linear_row(industry)
        points = linear_points(value, row, measure.points, measure.partial_floor)
        return points, f"linear {row.baseline}->{row.leading} [{key}]"
    if measure.method == Method.STEP:
        points, step = step_points(value, measure.steps or (), measure.direction)
        sign = ">=" if measure.direction == Direction.HIGHER_BETTER else "<="
        return points, (f"step {sign} {step.at}" if step else "below the first step")
    if measure.method == Method.BOOLEAN:
        # > 0 rather than != 0 keeps the method monotone for higher-is-better figures.
        return (measure.points if value > 0 else ZERO), ("yes" if value > 0 else "no")
    raise ValueError(f"{measure.method} cannot score a figure")  # the model checks forbid this
