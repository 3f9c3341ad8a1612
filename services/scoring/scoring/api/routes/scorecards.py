"""Scorecards: current per year, one year explained, its history, and a batch lookup."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request

from scoring.api.schemas import ScorecardBatch, ScorecardDetail, ScorecardRevision, ScorecardSummary
from scoring.service_layer import queries
from shared.problems import Problem

router = APIRouter(prefix="/v1/scorecards", tags=["scorecards"])
MAX_BATCH = 500
Year = Annotated[int, Path(ge=2000, le=2100)]


@router.get("")
def batch_scorecards(
    request: Request,
    supplier_ids: Annotated[str, Query(description=f"comma-separated supplier ids, at most {MAX_BATCH}")],
    year: Annotated[
        int | None, Query(ge=2000, le=2100, description="default: each one's newest year")
    ] = None,
) -> ScorecardBatch:
    """Current scorecards of many suppliers at once (the gateway's compliance lookup)."""
    ids = _parse_ids(supplier_ids)
    found = queries.batch(supplier_ids=ids, year=year, engine=request.app.state.engine)
    items = [ScorecardSummary.model_validate(card) for card in found]
    seen = {item.supplier_id for item in items}
    return ScorecardBatch(items=items, missing=[i for i in ids if i not in seen])


def _parse_ids(text: str) -> list[UUID]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    pointer = "#/query/supplier_ids"
    if not parts or len(parts) > MAX_BATCH:
        detail = f"give 1 to {MAX_BATCH} supplier ids"
        raise Problem(422, "Invalid request", detail, errors=[{"pointer": pointer, "detail": detail}])
    try:
        return list(dict.fromkeys(UUID(part) for part in parts))
    except ValueError:
        detail = "every supplier id must be a UUID"
        raise Problem(
            422, "Invalid request", detail, errors=[{"pointer": pointer, "detail": detail}]
        ) from None


@router.get("/{supplier_id}")
def list_scorecards(supplier_id: UUID, request: Request) -> list[ScorecardSummary]:
    """A supplier's current scorecards, newest year first."""
    cards = queries.list_scorecards(supplier_id=supplier_id, engine=request.app.state.engine)
    return [ScorecardSummary.model_validate(card) for card in cards]


@router.get("/{supplier_id}/{year}")
def get_scorecard(supplier_id: UUID, year: Year, request: Request) -> ScorecardDetail:
    """One year's current scorecard, every point explained with the evidence used, and its positions."""
    card = queries.get_scorecard(supplier_id=supplier_id, year=year, engine=request.app.state.engine)
    return ScorecardDetail.model_validate(card)


@router.get("/{supplier_id}/{year}/history")
def scorecard_history(supplier_id: UUID, year: Year, request: Request) -> list[ScorecardRevision]:
    """Every revision of a year's scorecard, newest first: each relevant change appended one."""
    revisions = queries.history(supplier_id=supplier_id, year=year, engine=request.app.state.engine)
    return [ScorecardRevision.model_validate(revision) for revision in revisions]
