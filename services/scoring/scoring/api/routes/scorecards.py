"""Scorecards."""

from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel

from scoring.service_layer import queries

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
    cards = queries.list_scorecards(supplier_id=supplier_id, engine=request.app.state.engine)
    return [ScorecardRead.model_validate(card) for card in cards]
