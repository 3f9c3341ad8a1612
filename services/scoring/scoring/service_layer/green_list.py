"""The yearly green list: who is on it, who entered, and who left and why, versus last year's list.

On the list: rated, no gate failed, and a band of Qualified or better. Leaving it is explained as
data_not_filed (the year is Unrated: data missing or abnormal), gate_failed (G1-G3/G5), or
grade_lost (still rated and passing the gates, but below the Qualified line).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.postgresql import insert

from scoring.adapters import bulk
from scoring.adapters.scorecard_store import Scored
from scoring.adapters.tables.green_lists import green_list_entries, green_lists
from scoring.domain import Band, Position
from shared.contracts.scoring import ComplianceListEntered, ComplianceListExited
from shared.events import EventContract

LIST_BANDS = frozenset({Band.LEADING.value, Band.QUALIFIED_PLUS.value, Band.QUALIFIED.value})
ENTRY_COLUMNS = (
    "year", "supplier_id", "on_list", "entered", "exit_reason", "detail", "industry", "total", "band",
    "grade", "industry_grade",
)  # fmt: skip


@dataclass
class FixedList:
    size: int = 0
    entered: int = 0
    exited: int = 0
    events: list[EventContract] = field(default_factory=list)


def on_list(card: Scored) -> bool:
    return card.ranked and card.band in LIST_BANDS


def exit_reason(card: Scored) -> tuple[str, str]:
    """Why a supplier that was on last year's list is not on this year's."""
    if not card.rated:
        return "data_not_filed", card.unrated_reason or "the year's data are missing"
    if card.failed_gates:
        return "gate_failed", "; ".join(card.gate_reasons)
    return "grade_lost", f"band {card.band} ({card.total}) is below {Band.QUALIFIED.value}"


def fix(
    conn: Connection, *, year: int, model_version: str, scored: list[Scored], positions: dict[str, Position]
) -> FixedList:
    """Replace the year's list; events only for entries that differ from what the year held before."""
    e = green_list_entries
    last_year = {
        row.supplier_id: row
        for row in conn.execute(
            select(e.c.supplier_id, e.c.grade, e.c.band).where(e.c.year == year - 1, e.c.on_list)
        )
    }
    before = {
        row.supplier_id: (row.on_list, row.entered, row.exit_reason)
        for row in conn.execute(select(green_list_entries).where(green_list_entries.c.year == year))
    }
    fixed, rows = FixedList(), []
    for card in scored:
        was = last_year.get(uuid.UUID(card.supplier_id))
        row = _entry(year, card, positions.get(card.supplier_id), was is not None)
        if row is None:
            continue
        rows.append(tuple(row[c] for c in ENTRY_COLUMNS))
        fixed.size += row["on_list"]
        fixed.entered += row["entered"]
        fixed.exited += not row["on_list"]
        if before.get(row["supplier_id"]) != (row["on_list"], row["entered"], row["exit_reason"]):
            fixed.events += _events(row, was, model_version)
    conn.execute(delete(green_list_entries).where(green_list_entries.c.year == year))
    bulk.copy_rows(conn, "green_list_entries", ENTRY_COLUMNS, rows)
    _save_list(conn, year, model_version, fixed)
    return fixed


def _entry(year: int, card: Scored, position: Position | None, was_on: bool) -> dict[str, Any] | None:
    listed = on_list(card)
    if not listed and not was_on:
        return None
    reason, detail = (None, None) if listed else exit_reason(card)
    return {
        "year": year,
        "supplier_id": uuid.UUID(card.supplier_id),
        "on_list": listed,
        "entered": listed and not was_on,
        "exit_reason": reason,
        "detail": detail[:1000] if detail else None,
        "industry": card.industry,
        "total": card.total,
        "band": card.band,
        "grade": position.overall.grade.value if position else None,
        "industry_grade": position.in_industry.grade.value if position else None,
    }


def _events(row: dict[str, Any], was: Any, model_version: str) -> list[EventContract]:
    common = {"supplier_id": row["supplier_id"], "year": row["year"], "model_version": model_version}
    if row["entered"]:
        return [
            ComplianceListEntered(
                **common, grade=row["grade"], industry_grade=row["industry_grade"], band=row["band"]
            )
        ]
    if not row["on_list"]:
        return [
            ComplianceListExited(
                **common,
                reason=row["exit_reason"],
                detail=row["detail"],
                previous_grade=was.grade if was is not None else None,
                grade=row["grade"],
                previous_band=was.band if was is not None else None,
                band=row["band"],
            )
        ]
    return []


def _save_list(conn: Connection, year: int, model_version: str, fixed: FixedList) -> None:
    values = {
        "model_version": model_version,
        "size": fixed.size,
        "entered": fixed.entered,
        "exited": fixed.exited,
        "fixed_at": datetime.now(UTC),
    }
    statement = insert(green_lists).values(year=year, **values)
    conn.execute(statement.on_conflict_do_update(index_elements=["year"], set_=values))
