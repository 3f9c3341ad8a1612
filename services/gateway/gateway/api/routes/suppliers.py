"""Suppliers and their compliance, composed from the internal services."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Request, Response

from gateway.api.security import Principal, authorise
from gateway.service_layer.access import ensure_supplier_readable_on
from shared.contracts.supplier_api import SupplierRead, SupplierRegistration
from shared.problems import Problem

router = APIRouter(prefix="/v1/suppliers", tags=["suppliers"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such supplier, or not one you may see"}
}


@router.post("", status_code=201, responses={403: {"description": "Only the platform registers suppliers"}})
def register_supplier(
    body: SupplierRegistration,
    request: Request,
    response: Response,
    principal: Annotated[Principal, Depends(authorise("suppliers:write"))],
) -> SupplierRead:
    """Register a supplier (the platform operator's task: a supplier organisation is bound to an
    existing record). Buyers subscribed to compliance events hear about its first scorecard."""
    if principal.kind != "platform":
        raise Problem(403, "Forbidden", "Suppliers are registered by the platform operator.")
    supplier = request.app.state.supplier_client.register(body)
    response.headers["Location"] = f"/v1/suppliers/{supplier.id}"
    return supplier


@router.get("/{supplier_id}", responses=NOT_FOUND)
def get_supplier(
    supplier_id: UUID,
    request: Request,
    principal: Annotated[Principal, Depends(authorise("compliance:read"))],
) -> SupplierRead:
    """One supplier's record: your own, or one in your supply base."""
    ensure_supplier_readable_on(request.app.state.engine, principal, supplier_id)
    return request.app.state.supplier_client.get(supplier_id)


@router.get("/{supplier_id}/scorecards", responses=NOT_FOUND)
def get_scorecards(
    supplier_id: UUID,
    request: Request,
    principal: Annotated[Principal, Depends(authorise("compliance:read"))],
) -> list[dict[str, Any]]:
    """The supplier's scorecards, newest year first: your own, or a supplier's in your supply base."""
    ensure_supplier_readable_on(request.app.state.engine, principal, supplier_id)
    return request.app.state.scoring_client.scorecards(supplier_id)


@router.get("/{supplier_id}/scorecards/{year}", responses=NOT_FOUND)
def get_scorecard(
    supplier_id: UUID,
    year: Annotated[int, Path(ge=2000, le=2100)],
    request: Request,
    principal: Annotated[Principal, Depends(authorise("compliance:read"))],
) -> dict[str, Any]:
    """One year's scorecard, every point explained with the ids of the evidence used, its gate
    results and its positions overall and within the industry."""
    ensure_supplier_readable_on(request.app.state.engine, principal, supplier_id)
    detail = request.app.state.scoring_client.scorecard_detail(supplier_id, year)
    if detail is None:
        raise Problem(404, "No scorecard", f"The supplier has no scorecard for {year}.")
    return detail
