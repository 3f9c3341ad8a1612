"""Compliance of the suppliers in the caller's supply base, composed from scoring and supplier."""

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from gateway.api.rate_limit import rate_limited
from gateway.api.schemas import (
    ComplianceBatch,
    ComplianceItem,
    ComplianceLookup,
    ComplianceRead,
    ExpiringCredentialRead,
    Grades,
)
from gateway.api.security import Principal, authorise
from gateway.domain.compliance import DEFAULT_EXPIRY_WINDOW_DAYS, ComplianceView
from gateway.service_layer import compliance as service

router = APIRouter(prefix="/v1/compliance", tags=["compliance"], dependencies=[Depends(rate_limited)])
Reader = Annotated[Principal, Depends(authorise("compliance:read"))]
_UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"description": "The scoring or supplier service is down; retry after `Retry-After`"}
}


def compliance_read(view: ComplianceView) -> ComplianceRead:
    card = view.scorecard
    return ComplianceRead(
        supplier_id=UUID(view.supplier_id),
        year=card.year if card else None,
        model_version=card.model_version if card else None,
        band=card.band if card else None,
        score=card.score if card else None,
        grade=Grades(
            overall=card.grade_overall if card else None, industry=card.grade_industry if card else None
        ),
        gates=[dict(g) for g in view.gates],
        failed_gates=list(card.failed_gates) if card else [],
        expiring_credentials=[
            ExpiringCredentialRead.model_validate(e, from_attributes=True) for e in view.expiring_credentials
        ],
        scorecard_url=f"/v1/suppliers/{view.supplier_id}/scorecards",
    )


@router.get("/{supplier_id}", responses=_UNAVAILABLE)
def get_compliance(
    supplier_id: UUID,
    principal: Reader,
    request: Request,
    expiring_within_days: Annotated[int, Query(ge=0, le=3650)] = DEFAULT_EXPIRY_WINDOW_DAYS,
) -> ComplianceRead:
    """Band, grades, score and gates of the latest scorecard, and the valid credentials expiring within
    `expiring_within_days`. A supplier outside your supply base answers 404."""
    view = service.lookup_supplier(
        principal=principal,
        supplier_id=supplier_id,
        window_days=expiring_within_days,
        today=datetime.now(UTC).date(),
        suppliers=request.app.state.supplier_client,
        scoring=request.app.state.scoring_client,
        engine=request.app.state.engine,
    )
    return compliance_read(view)


@router.post("/lookup", responses=_UNAVAILABLE)
def lookup_compliance(body: ComplianceLookup, principal: Reader, request: Request) -> ComplianceBatch:
    """Compliance of up to 500 suppliers at once; one outside your supply base is `not_in_supply_base`."""
    found = service.lookup_suppliers(
        principal=principal,
        supplier_ids=body.supplier_ids,
        window_days=body.expiring_within_days,
        today=datetime.now(UTC).date(),
        suppliers=request.app.state.supplier_client,
        scoring=request.app.state.scoring_client,
        concurrency=request.app.state.upstream_concurrency,
        engine=request.app.state.engine,
    )
    return ComplianceBatch(
        items=[
            ComplianceItem(supplier_id=supplier_id, status="ok", compliance=compliance_read(view))
            if isinstance(view, ComplianceView)
            else ComplianceItem(supplier_id=supplier_id, status="not_in_supply_base")
            for supplier_id, view in found
        ]
    )
