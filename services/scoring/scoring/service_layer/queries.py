"""Read-side queries of the scoring service."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from scoring.adapters.orm import scorecards


class ScorecardNotFound(Exception):
    def __init__(self, supplier_id: UUID) -> None:
        super().__init__(f"No scorecard for supplier {supplier_id} yet.")


def list_scorecards(*, supplier_id: UUID, engine: Engine) -> list[dict[str, Any]]:
    """A supplier's scorecards, newest year first; raises ScorecardNotFound when it has none."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(scorecards)
            .where(scorecards.c.supplier_id == supplier_id)
            .order_by(scorecards.c.year.desc())
        ).mappings()
        cards = [dict(row) for row in rows]
    if not cards:
        raise ScorecardNotFound(supplier_id)
    return cards
