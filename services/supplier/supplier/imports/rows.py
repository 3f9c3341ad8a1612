"""Rows of a bulk import file (CSV or JSON), parsed and validated one by one. Pure: no I/O.

Row numbers are 1-based and count data records only: row 1 is the first record after the CSV
header (blank lines are not records), or the first element of the JSON array.

Yearly performance CSV: one record per supplier-year(-site). Columns (any order, all but `year`
optional): `year`, `site_id`, `ghg_verification_level`, `production_output_unit`, and for every
figure a value column with its tier column: `energy_kgce` + `energy_kgce_tier`, …,
`scope3_cat<N>_tco2e` (N 1-15), `pollutant_<name>_pct_of_limit`. An empty cell means "not
reported". Footprint CSV columns are the PACT properties as dotted camelCase paths
(`pcf.declaredUnitAmount`), list properties separated by `|`. JSON is an array of objects:
YearlyPerformance bodies or PACT ProductFootprint documents.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ValidationError

from supplier.domain.errors import SupplierError
from supplier.domain.footprints import ProductFootprint
from supplier.domain.performance import YearlyPerformance
from supplier.imports.columns import (
    POLLUTANT,
    SCOPE3,
    footprint_column,
    footprint_columns,
    footprint_document,
    performance_columns,
)


class ImportKind(StrEnum):
    PERFORMANCE = "performance"
    FOOTPRINTS = "footprints"


class ImportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


class PayloadRejected(SupplierError):
    """The file as a whole cannot be imported (bad header, not JSON, no rows): refused before storing."""

    def __init__(self, detail: str, errors: list[dict[str, str]]) -> None:
        super().__init__(detail)
        self.extensions = {"errors": errors}


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    field: str
    detail: str


@dataclass(frozen=True, slots=True)
class ParsedRow:
    row: int
    value: BaseModel | None
    errors: tuple[RowError, ...] = ()


class RowProblem(ValueError):
    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field, self.detail = field, detail


@dataclass(frozen=True)
class ImportFile:
    kind: ImportKind
    format: ImportFormat
    header: tuple[str, ...]
    records: list[Any]

    @classmethod
    def parse(cls, payload: bytes, *, kind: ImportKind, format: ImportFormat) -> ImportFile:
        """Split the payload into records; the CSV header is checked here, rows later."""
        try:
            text = payload.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PayloadRejected("The file is not UTF-8 text.", [_pointer("#", str(error))]) from error
        if format is ImportFormat.JSON:
            return cls(kind, format, (), _json_records(text))
        header, records = _csv_records(text)
        check = performance_columns if kind is ImportKind.PERFORMANCE else footprint_columns
        problems = check(header)
        if problems:
            raise PayloadRejected(
                "The CSV header is wrong; nothing was imported.",
                [_pointer(f"#/header/{column}", detail) for column, detail in problems],
            )
        return cls(kind, format, tuple(header), records)

    def __len__(self) -> int:
        return len(self.records)

    def key(self, index: int) -> tuple[str, str] | None:
        """What makes a record unique in the file: (year, site) or the footprint id."""
        record = self.records[index]
        if self.format is ImportFormat.CSV:
            record = dict(zip(self.header, record, strict=False))
        if not isinstance(record, dict):
            return None
        if self.kind is ImportKind.PERFORMANCE:
            return str(record.get("year", "")).strip(), str(record.get("site_id") or "").strip().lower()
        return "id", str(record.get("id", "")).strip().lower()

    @cached_property
    def first_rows(self) -> dict[tuple[str, str] | None, int]:
        """The 1-based row number of every key's first record; a later record with it is a duplicate."""
        first: dict[tuple[str, str] | None, int] = {}
        for index in range(len(self)):
            first.setdefault(self.key(index), index + 1)
        return first

    def parse_unique_row(self, index: int) -> ParsedRow:
        """`parse_row`, and a valid record whose key an earlier record has is an error too."""
        parsed = self.parse_row(index)
        first = self.first_rows.get(self.key(index), parsed.row)
        if first == parsed.row or parsed.errors:
            return parsed
        field_name = "year" if self.kind is ImportKind.PERFORMANCE else "id"
        return ParsedRow(parsed.row, None, (RowError(parsed.row, field_name, f"duplicates row {first}"),))

    def parse_row(self, index: int) -> ParsedRow:
        """Validate record `index` (0-based); its errors carry the 1-based row number."""
        row = index + 1
        record = self.records[index]
        try:
            data = self._data(record)
        except RowProblem as problem:
            return ParsedRow(row, None, (RowError(row, problem.field, problem.detail),))
        model = YearlyPerformance if self.kind is ImportKind.PERFORMANCE else ProductFootprint
        try:
            return ParsedRow(row, model.model_validate(data))
        except ValidationError as error:
            return ParsedRow(row, None, tuple(self._errors(row, error)))

    def _data(self, record: Any) -> dict[str, Any]:
        if self.format is ImportFormat.JSON:
            if not isinstance(record, dict):
                raise RowProblem("", "must be a JSON object")
            return record
        if len(record) != len(self.header):
            raise RowProblem("", f"has {len(record)} fields; the header has {len(self.header)}")
        cells = dict(zip(self.header, record, strict=True))
        if self.kind is ImportKind.PERFORMANCE:
            return performance_data(cells)
        return footprint_document(cells)

    def _errors(self, row: int, error: ValidationError) -> list[RowError]:
        return [RowError(row, self._field(e["loc"]), e["msg"]) for e in error.errors()]

    def _field(self, loc: tuple[int | str, ...]) -> str:
        if self.format is ImportFormat.JSON:
            return "/".join(str(part) for part in loc)
        if self.kind is ImportKind.FOOTPRINTS:
            return footprint_column(loc)
        return performance_column(loc)


def performance_data(cells: dict[str, str]) -> dict[str, Any]:
    """A CSV record as a YearlyPerformance body: figure columns become {value, tier} objects."""
    data: dict[str, Any] = {"scope3_tco2e": {}, "pollutants_pct_of_limit": {}}
    for column, cell in cells.items():
        value = cell.strip()
        if column.endswith("_tier"):
            if value and not cells.get(column.removesuffix("_tier"), "").strip():
                raise RowProblem(column, "a tier is given without a value")
            continue
        if not value:
            continue
        tier = cells.get(f"{column}_tier")
        if tier is None:  # not a figure column: year, site_id, verification level, output unit
            data[column] = value
            continue
        if not tier.strip():
            raise RowProblem(f"{column}_tier", f"required when {column} is given")
        _place(data, column, {"value": value, "tier": tier.strip()})
    return data


def _place(data: dict[str, Any], column: str, figure: dict[str, str]) -> None:
    if match := SCOPE3.match(column):
        data["scope3_tco2e"][match["n"]] = figure
    elif match := POLLUTANT.match(column):
        data["pollutants_pct_of_limit"][match["name"]] = figure
    else:
        data[column] = figure


def performance_column(loc: tuple[int | str, ...]) -> str:
    """The CSV column a validation error location belongs to."""
    field, rest = str(loc[0]), [str(part) for part in loc[1:]]
    if field in {"scope3_tco2e", "pollutants_pct_of_limit"} and rest:
        name = (
            f"scope3_cat{rest[0]}_tco2e" if field == "scope3_tco2e" else f"pollutant_{rest[0]}_pct_of_limit"
        )
        return f"{name}_tier" if rest[1:] == ["tier"] else name
    return f"{field}_tier" if rest == ["tier"] else field


def _csv_records(text: str) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column.strip() for column in next(reader)]
        records = [record for record in reader if any(cell.strip() for cell in record)]
    except StopIteration:
        raise PayloadRejected("The CSV file is empty.", [_pointer("#/header", "missing")]) from None
    except csv.Error as error:
        raise PayloadRejected("The CSV file cannot be read.", [_pointer("#", str(error))]) from error
    if not records:
        raise PayloadRejected("The CSV file has a header but no rows.", [_pointer("#", "no data rows")])
    return header, records


def _json_records(text: str) -> list[Any]:
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raise PayloadRejected("The body is not valid JSON.", [_pointer("#", str(error))]) from error
    if not isinstance(records, list) or not records:
        raise PayloadRejected("Send a non-empty JSON array of rows.", [_pointer("#", "must be an array")])
    return records


def _pointer(pointer: str, detail: str) -> dict[str, str]:
    return {"pointer": pointer, "detail": detail}
