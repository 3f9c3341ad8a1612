"""What-if scoring: what submitted figures would score, without storing anything."""

from __future__ import annotations

from fastapi import APIRouter, Request

from scoring.api.schemas_what_if import WhatIfRequest
from scoring.domain import Scorecard
from scoring.service_layer.handlers import utc_today
from scoring.service_layer.scoring import as_of
from scoring.service_layer.what_if import score_what_if

router = APIRouter(prefix="/v1", tags=["what-if"])


@router.post("/what-if")
def what_if(body: WhatIfRequest, request: Request) -> Scorecard:
    """Score the submitted facts against a criteria model and return the explained scorecard.

    Nothing is stored and no event is published, so a supplier can try what an improvement would
    be worth. `as_of` defaults to the date the service would judge the year on today; without
    `model_version` the model in effect on that date is used. An unknown `model_version` is a 404;
    a figure the model does not know, or outside its plausible range, is a 422 naming the field.
    The scorecard carries no relative grade: grades depend on the whole population.
    """
    facts = body.to_facts(body.as_of or as_of(body.year, utc_today()))
    return score_what_if(facts=facts, model_version=body.model_version, registry=request.app.state.models)
