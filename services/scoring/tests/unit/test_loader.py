"""The criteria model file, its validation and the registry."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from scoring.domain import (
    CriteriaModel,
    GateRule,
    Method,
    ModelInvalid,
    ModelRegistry,
    UnknownModelVersion,
    load_model,
    load_model_data,
    load_packaged_model,
    packaged_versions,
    parse_model,
    parse_model_text,
)


@pytest.fixture
def data() -> dict[str, Any]:
    """A fresh, mutable copy of the packaged model's raw data."""
    return copy.deepcopy(load_model_data("2026.1"))


def criterion(data: dict[str, Any], criterion_id: str) -> dict[str, Any]:
    return next(c for c in data["criteria"] if c["id"] == criterion_id)


def refused(data: dict[str, Any]) -> ModelInvalid:
    with pytest.raises(ModelInvalid) as caught:
        parse_model(data)
    return caught.value


# --- the packaged model -------------------------------------------------------------------------


def test_packaged_model_is_2026_1_with_the_domain_table(model: CriteriaModel) -> None:
    assert packaged_versions() == ("2026.1",)
    assert model.version == "2026.1"
    ids = [c.id for c in model.criteria]
    assert ids == [
        *("P1", "P2", "P3", "P4", "P5"),
        *("R1", "R2", "R3", "R4", "R5", "R6", "R7"),
        *("C1", "C2", "C3", "C4", "C5"),
        *("L1", "L2", "L3", "L4"),
        *("M1", "M2", "M3", "M4", "M5", "M6"),
    ]


def test_points_total_100_and_per_group(model: CriteriaModel) -> None:
    expected = {"procurement": 20, "production": 35, "recycling": 15, "logistics": 10, "management": 20}
    assert {g.id: g.points for g in model.groups} == expected
    for group in model.groups:
        assert sum(c.points for c in model.criteria_in(group.id)) == group.points
    assert sum(c.points for c in model.criteria) == Decimal(100)


def test_gates_g1_to_g5_with_g5_disabled(model: CriteriaModel) -> None:
    assert [g.id for g in model.gates] == ["G1", "G2", "G3", "G4", "G5"]
    assert [g.enabled for g in model.gates] == [True, True, True, True, False]
    assert model.gate(GateRule.NO_MAJOR_INCIDENT).window_months == 36  # type: ignore[union-attr]


def test_decimals_are_exact_and_no_floats_survive(model: CriteriaModel) -> None:
    assert model.quality_factors["modelled"] == Decimal("0.9")  # type: ignore[index]
    r2 = next(c for c in model.criteria if c.id == "R2")
    assert r2.measures[0].linear_row("C9999") == ("default", r2.measures[0].linear["default"])  # type: ignore[index]
    assert r2.measures[0].linear["default"].leading == Decimal("0.6")  # type: ignore[index]


def test_p4_steps_and_m1_categories_match_the_domain(model: CriteriaModel) -> None:
    p4 = next(c for c in model.criteria if c.id == "P4").measures[0]
    assert p4.method == Method.STEP
    assert [(s.at, s.points) for s in p4.steps or ()] == [(30, 3), (40, 4), (50, 5)]
    m1 = next(c for c in model.criteria if c.id == "M1").measures[0]
    assert m1.categories is not None
    assert m1.categories["green_code.grade"] == {"A+": 6, "A": 5, "B": 4}
    assert m1.categories["green_factory.level"] == {"national": 4, "provincial": 3, "municipal": 2}


@pytest.mark.parametrize(
    ("industry", "row"),
    [("C3825", "C3825"), ("C3670", "C36"), ("C36", "C36"), ("C3311", "default"), ("A", "default")],
)
def test_linear_rows_fall_back_through_gbt4754_prefixes(
    model: CriteriaModel, industry: str, row: str
) -> None:
    r3 = next(c for c in model.criteria if c.id == "R3").measures[0]
    assert r3.linear_row(industry)[0] == row


def test_load_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(_jsonable(load_model_data("2026.1"))), encoding="utf-8")
    assert load_model(path) == load_packaged_model("2026.1")


def _jsonable(value: Any) -> Any:
    """Decimals as strings, so safe_dump can write the data back out."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return str(value) if isinstance(value, Decimal) else value


def test_unknown_packaged_version() -> None:
    with pytest.raises(UnknownModelVersion):
        load_packaged_model("1999.1")


# --- refused models -------------------------------------------------------------------------------


def test_points_not_adding_up_names_the_group_and_its_criteria(data: dict[str, Any]) -> None:
    criterion(data, "P2")["points"] = Decimal(5)  # measure inherits it, group now 21
    error = refused(data)
    assert "procurement" in str(error)
    assert "P2 5" in str(error)
    assert "refused" in str(error)


def test_composite_measures_must_add_up_to_the_criterion(data: dict[str, Any]) -> None:
    criterion(data, "R5")["measures"][0]["points"] = Decimal(3)
    assert any(p.startswith("R5: measures add up to 5") for p in refused(data).problems)


def test_group_total_must_be_100(data: dict[str, Any]) -> None:
    data["groups"][0]["points"] = Decimal(21)
    assert any("groups: points add up to 101" in p for p in refused(data).problems)


def test_unknown_group(data: dict[str, Any]) -> None:
    criterion(data, "C2")["group"] = "circularity"
    assert "C2: unknown group 'circularity'" in refused(data).problems


def test_unordered_steps(data: dict[str, Any]) -> None:
    criterion(data, "P4")["steps"] = [
        {"at": 40, "points": 4},
        {"at": 30, "points": 3},
        {"at": 50, "points": 5},
    ]
    problems = refused(data).problems
    assert any(p.startswith("P4: step thresholds") and "ascend" in p for p in problems)


def test_steps_whose_points_do_not_improve(data: dict[str, Any]) -> None:
    criterion(data, "R6")["steps"][0]["points"] = Decimal(1)  # <=50 % worth less than <=70 %
    problems = refused(data).problems
    assert any(p.startswith("R6: step points") for p in problems)


def test_best_step_must_reach_full_points(data: dict[str, Any]) -> None:
    criterion(data, "P4")["steps"][-1]["points"] = Decimal("4.5")
    assert any(p.startswith("P4: best step gives 4.5") for p in refused(data).problems)


def test_linear_baseline_equal_to_leading(data: dict[str, Any]) -> None:
    criterion(data, "R4")["linear"]["default"] = {"baseline": 50, "leading": 50}
    assert any(p.startswith("R4: row default: baseline and leading") for p in refused(data).problems)


def test_linear_direction_inconsistent_names_the_industry_row(data: dict[str, Any]) -> None:
    criterion(data, "R2")["linear"]["C3825"] = {"baseline": Decimal("0.3"), "leading": Decimal("0.9")}
    problems = refused(data).problems
    assert any(p.startswith("R2: row C3825:") and "lower_better" in p for p in problems)


def test_linear_needs_a_default_row(data: dict[str, Any]) -> None:
    del criterion(data, "R3")["linear"]["default"]
    assert "R3: linear measure needs a 'default' row" in refused(data).problems


def test_unknown_metric(data: dict[str, Any]) -> None:
    criterion(data, "C1")["metric"] = "solid_waste_utilisation_ratio"
    assert "C1: unknown metric 'solid_waste_utilisation_ratio'" in refused(data).problems


def test_unknown_categorical_value_and_attribute(data: dict[str, Any]) -> None:
    categories = criterion(data, "M1")["categories"]
    categories["green_code.grade"]["AA"] = Decimal(6)
    categories["green_code.colour"] = {"green": Decimal(1)}
    problems = refused(data).problems
    assert "M1: category 'green_code.grade': unknown value 'AA'" in problems
    assert "M1: category 'green_code.colour': unknown credential attribute" in problems


def test_unknown_credential_type(data: dict[str, Any]) -> None:
    criterion(data, "M2")["evidence"]["required"] = ["iso14001", "iso14002"]
    assert "M2: unknown credential type 'iso14002'" in refused(data).problems


def test_credential_criterion_cannot_use_a_linear_method(data: dict[str, Any]) -> None:
    criterion(data, "M3")["method"] = "linear"
    assert any(p.startswith("M3: linear measure on credential evidence") for p in refused(data).problems)


def test_g4_cannot_be_disabled(data: dict[str, Any]) -> None:
    next(g for g in data["gates"] if g["id"] == "G4")["enabled"] = False
    assert any("G4" in p and "must be present" in p for p in refused(data).problems)


def test_duplicate_criterion_ids(data: dict[str, Any]) -> None:
    criterion(data, "L4")["id"] = "L3"
    assert "L3: criterion id used more than once" in refused(data).problems


def test_structural_errors_name_the_criterion_not_its_index(data: dict[str, Any]) -> None:
    criterion(data, "P3")["direction"] = "sideways"
    criterion(data, "C5")["surprise"] = True
    problems = refused(data).problems
    assert any(p.startswith("P3.") and "direction" in p for p in problems)
    assert any(p.startswith("C5.") and "surprise" in p for p in problems)


def test_every_problem_is_reported_at_once(data: dict[str, Any]) -> None:
    criterion(data, "C2")["group"] = "circularity"
    criterion(data, "R4")["linear"]["default"] = {"baseline": 50, "leading": 50}
    problems = refused(data).problems
    assert any(p.startswith("C2:") for p in problems)
    assert any(p.startswith("R4:") for p in problems)


def test_refusal_is_a_value_error_and_bad_yaml_is_refused() -> None:
    with pytest.raises(ValueError, match="yaml"):
        parse_model_text("version: [unclosed")
    with pytest.raises(ModelInvalid):
        parse_model_text("- just a list")


# --- registry ---------------------------------------------------------------------------------


def test_registry_holds_several_versions(model: CriteriaModel, data: dict[str, Any]) -> None:
    data["version"] = "2026.2"
    data["effective_from"] = date(2026, 7, 1)
    newer = parse_model(data)
    registry = ModelRegistry([newer, model])
    assert registry.versions() == ("2026.1", "2026.2")
    assert registry.get("2026.1") is model
    assert registry.current(date(2026, 3, 1)) is model
    assert registry.current(date(2026, 8, 1)) is newer
    with pytest.raises(UnknownModelVersion):
        registry.get("2030.1")
    with pytest.raises(UnknownModelVersion):
        registry.current(date(2020, 1, 1))


def test_registry_refuses_a_different_model_under_a_known_version(
    model: CriteriaModel, data: dict[str, Any]
) -> None:
    registry = ModelRegistry([model])
    registry.register(load_packaged_model("2026.1"))  # same content: a no-op
    data["theme_floor_pct"] = Decimal(25)
    with pytest.raises(ModelInvalid, match="already registered"):
        registry.register(parse_model(data))
    assert registry.get("2026.1").theme_floor_pct == Decimal(30)


def test_a_refused_file_never_reaches_the_registry(model: CriteriaModel, data: dict[str, Any]) -> None:
    registry = ModelRegistry([model])
    data["version"] = "2026.2"
    criterion(data, "P4")["steps"].reverse()
    with pytest.raises(ModelInvalid):
        registry.register(parse_model(data))
    assert registry.versions() == ("2026.1",)


def test_registry_from_package() -> None:
    assert ModelRegistry.from_package().versions() == ("2026.1",)
