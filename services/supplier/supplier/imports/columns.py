"""CSV columns of the import files: which headers are accepted, and how cells become documents."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from supplier.domain.footprints import ProductFootprint
from supplier.domain.performance import Figure, YearlyPerformance

SCOPE3 = re.compile(r"^scope3_cat(?P<n>\d{1,2})_tco2e$")
POLLUTANT = re.compile(r"^pollutant_(?P<name>[a-z0-9_]+)_pct_of_limit$")
LIST_SEPARATOR = "|"

FIGURE_COLUMNS = frozenset(
    name for name, field in YearlyPerformance.model_fields.items() if field.annotation == Figure | None
)
PLAIN_COLUMNS = frozenset({"year", "site_id", "ghg_verification_level", "production_output_unit"})

Problems = list[tuple[str, str]]


def is_figure_column(column: str) -> bool:
    if column in FIGURE_COLUMNS or POLLUTANT.match(column):
        return True
    match = SCOPE3.match(column)
    return match is not None and 1 <= int(match["n"]) <= 15


def performance_columns(header: list[str]) -> Problems:
    """What is wrong with a yearly-performance header: (column, detail) pairs, empty if nothing."""
    problems = _duplicates(header)
    present = set(header)
    for column in header:
        value_column = column.removesuffix("_tier")
        if column in PLAIN_COLUMNS:
            continue
        if column.endswith("_tier") and is_figure_column(value_column):
            if value_column not in present:
                problems.append((column, f"a tier column without its value column {value_column}"))
        elif is_figure_column(column):
            if f"{column}_tier" not in present:
                problems.append((column, f"needs its data-quality tier column {column}_tier"))
        else:
            problems.append((column, "unknown column; see the documented header"))
    if "year" not in present:
        problems.append(("year", "the year column is required"))
    return problems


def footprint_columns(header: list[str]) -> Problems:
    """What is wrong with a footprint header (dotted camelCase PACT paths)."""
    problems = _duplicates(header)
    for column in header:
        if _leaf(ProductFootprint, column.split(".")) is None:
            problems.append((column, "not a PACT ProductFootprint property importable from CSV"))
    for column in _required(ProductFootprint):
        if column not in header:
            problems.append((column, "required PACT property missing"))
    return problems


def footprint_document(cells: dict[str, str]) -> dict[str, Any]:
    """A CSV record as a nested PACT document: `pcf.x` under `pcf`, lists split on `|`."""
    document: dict[str, Any] = {}
    for column, cell in cells.items():
        value = cell.strip()
        if not value:
            continue
        parts = column.split(".")
        leaf = _leaf(ProductFootprint, parts)
        target = document
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = _cell(value, leaf)
    return document


def footprint_column(loc: tuple[int | str, ...]) -> str:
    """The CSV column a validation error location belongs to: `("companyIds", 0)` is `companyIds`."""
    parts = []
    for part in loc:
        if isinstance(part, int):  # an item of a `|`-separated list: the column is the list
            break
        parts.append(part)
    return ".".join(parts)


def _cell(value: str, annotation: Any) -> Any:
    if annotation is bool:
        return {"true": True, "false": False}.get(value.lower(), value)
    if typing.get_origin(annotation) is tuple:
        return [item.strip() for item in value.split(LIST_SEPARATOR)]
    return value


def _leaf(model: type[BaseModel], parts: list[str]) -> Any | None:
    """The annotation of the scalar (or list of scalars) at `parts`, None if there is none."""
    field = next((f for n, f in model.model_fields.items() if (f.alias or n) == parts[0]), None)
    if field is None:
        return None
    annotation = _unwrap(field.annotation)
    nested = isinstance(annotation, type) and issubclass(annotation, BaseModel)
    if nested:
        return _leaf(annotation, parts[1:]) if len(parts) > 1 else None
    if len(parts) > 1 or _of_models(annotation):
        return None
    return annotation


def _unwrap(annotation: Any) -> Any:
    """`X | None` and `Annotated[X, ...]` to `X`."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _of_models(annotation: Any) -> bool:
    args = [_unwrap(a) for a in typing.get_args(annotation)]
    return any(isinstance(a, type) and issubclass(a, BaseModel) for a in args)


def _required(model: type[BaseModel], prefix: str = "") -> list[str]:
    columns = []
    for name, field in model.model_fields.items():
        if not field.is_required():
            continue
        path = f"{prefix}{field.alias or name}"
        annotation = _unwrap(field.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            columns += _required(annotation, f"{path}.")
        else:
            columns.append(path)
    return columns


def _duplicates(header: list[str]) -> Problems:
    seen: set[str] = set()
    problems = []
    for column in header:
        if column in seen:
            problems.append((column, "appears twice"))
        seen.add(column)
    return problems
