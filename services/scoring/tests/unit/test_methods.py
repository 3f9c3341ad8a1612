"""The four scoring methods in isolation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scoring.domain import Credential, CredentialState, Direction
from scoring.domain.criteria import LinearRow, Measure, Method, Step
from scoring.domain.methods import categorical_points, figure_points, linear_points, step_points

D = Decimal
RISING = LinearRow(baseline=D(70), leading=D(96))  # C1 solid-waste utilisation
FALLING = LinearRow(baseline=D("1.5"), leading=D("0.6"))  # R2 carbon intensity


@pytest.mark.parametrize(
    ("value", "points"),
    [("0", "0"), ("69.99", "0"), ("70", "0"), ("83", "2.5"), ("96", "5"), ("100", "5")],
)
def test_linear_higher_is_better(value: str, points: str) -> None:
    assert linear_points(D(value), RISING, D(5)) == D(points)


@pytest.mark.parametrize(
    ("value", "points"),
    [("2", "0"), ("1.5", "0"), ("1.05", "3"), ("0.6", "6"), ("0.1", "6")],
)
def test_linear_lower_is_better(value: str, points: str) -> None:
    assert linear_points(D(value), FALLING, D(6)) == D(points)


def test_linear_partial_floor_starts_at_the_baseline() -> None:
    row = LinearRow(baseline=D(30), leading=D(80))  # P2: <30 -> 0, 30 -> 1, linear to 80 -> 4
    assert linear_points(D("29.9"), row, D(4), D(1)) == 0
    assert linear_points(D(30), row, D(4), D(1)) == 1
    assert linear_points(D(55), row, D(4), D(1)) == D("2.5")
    assert linear_points(D(80), row, D(4), D(1)) == 4


P4_STEPS = (Step(at=D(30), points=D(3)), Step(at=D(40), points=D(4)), Step(at=D(50), points=D(5)))


@pytest.mark.parametrize(
    ("value", "points"),
    [("0", 0), ("29.99", 0), ("30", 3), ("39.9", 3), ("40", 4), ("49", 4), ("50", 5), ("100", 5)],
)
def test_step_green_material_use_rate(value: str, points: int) -> None:
    assert step_points(D(value), P4_STEPS, Direction.HIGHER_BETTER)[0] == points


R6_STEPS = tuple(Step(at=D(a), points=D(p)) for a, p in [(50, 5), (70, 4), (80, 3), (90, 2), (100, 1)])


@pytest.mark.parametrize(
    ("value", "points"), [("10", 5), ("50", 5), ("50.1", 4), ("95", 1), ("100", 1), ("101", 0)]
)
def test_step_lower_is_better(value: str, points: int) -> None:
    assert step_points(D(value), R6_STEPS, Direction.LOWER_BETTER)[0] == points


def _credential(kind: str, **attributes: str) -> Credential:
    return Credential(
        id="X", type=kind, state=CredentialState.VERIFIED, issued_on=date(2025, 1, 1), attributes=attributes
    )


M1 = {
    "green_code.grade": {"A+": D(6), "A": D(5), "B": D(4)},
    "green_factory.level": {"national": D(4), "provincial": D(3), "municipal": D(2)},
}


@pytest.mark.parametrize(
    ("kind", "attributes", "points"),
    [
        ("green_code", {"grade": "A+"}, 6),
        ("green_code", {"grade": "A"}, 5),
        ("green_code", {"grade": "B"}, 4),
        ("green_factory", {"level": "provincial"}, 3),
        ("green_factory", {"level": "municipal"}, 2),
        ("green_factory", {"grade": "A+"}, 0),  # right value under the wrong attribute
        ("green_park", {"level": "national"}, 0),  # type not in these categories
    ],
)
def test_categorical(kind: str, attributes: dict[str, str], points: int) -> None:
    assert categorical_points(_credential(kind, **attributes), M1)[0] == points


def test_boolean_figure() -> None:
    measure = Measure(metric="x", unit="yes/no", method=Method.BOOLEAN, points=D(2))
    assert figure_points(measure, D(1), "C")[0] == 2
    assert figure_points(measure, D(0), "C")[0] == 0
