"""A year's standings: the ranking, the distribution of grades and bands, the green list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from scoring.api.schemas import Distribution, GreenList, RankingPage
from scoring.service_layer import standings

router = APIRouter(prefix="/v1", tags=["standings"])
Year = Annotated[int, Path(ge=2000, le=2100)]
Industry = Annotated[
    str | None, Query(pattern=r"^[A-T](\d{2}|\d{3}|\d{4})?$", description="GB/T 4754 class, e.g. C3825")
]


@router.get("/rankings/{year}")
def ranking(
    year: Year,
    request: Request,
    industry: Industry = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> RankingPage:
    """Ranked suppliers of a year, best first, overall or within one industry.

    Follow `next_cursor` until it is null. Only suppliers with a standing (rated, no failed gate)
    are ranked; ties share a rank.
    """
    page = standings.ranking(
        year=year, industry=industry, limit=limit, cursor=cursor, engine=request.app.state.engine
    )
    return RankingPage.model_validate(page)


@router.get("/distribution/{year}")
def distribution(year: Year, request: Request, industry: Industry = None) -> Distribution:
    """How many suppliers hold each relative grade and each band in a year (within an industry if given)."""
    counts = standings.distribution(year=year, industry=industry, engine=request.app.state.engine)
    return Distribution.model_validate(counts)


@router.get("/green-lists/{year}")
def green_list(year: Year, request: Request) -> GreenList:
    """The year's green list as fixed by the yearly rescore: entries, who entered, who left and why."""
    return GreenList.model_validate(standings.green_list(year=year, engine=request.app.state.engine))
