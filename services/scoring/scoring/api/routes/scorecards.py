"""Scorecards."""

from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import select

from scoring.adapters.orm import scorecards
from shared.problems import Problem

router = APIRouter(prefix="/v1/scorecards", tags=["scorecards"])


class ScorecardRead(BaseModel):
    supplier_id: UUID
    year: int
    model_version: str
    score: Decimal
    band: str
    reason: str


@router.get("/{supplier_id}")
def list_scorecards(supplier_id: UUID, request: Request) -> list[ScorecardRead]:
    """A supplier's scorecards, newest year first."""
    with request.app.state.engine.connect() as conn:
        rows = conn.execute(
            select(scorecards)
            .where(scorecards.c.supplier_id == supplier_id)
            .order_by(scorecards.c.year.desc())
        ).mappings()
        cards = [ScorecardRead.model_validate(dict(row)) for row in rows]
    if not cards:
        raise Problem(404, "Scorecard not found", f"No scorecard for supplier {supplier_id} yet.")
    return cards
