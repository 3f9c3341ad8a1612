"""Suppliers and their compliance, composed from the internal services."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response

from shared.contracts.supplier_api import SupplierRead, SupplierRegistration

router = APIRouter(prefix="/v1/suppliers", tags=["suppliers"])


@router.post("", status_code=201)
def register_supplier(body: SupplierRegistration, request: Request, response: Response) -> SupplierRead:
    """Register a supplier. Buyers subscribed to compliance events hear about its first scorecard."""
    supplier = request.app.state.supplier_client.register(body)
    response.headers["Location"] = f"/v1/suppliers/{supplier.id}"
    return supplier


@router.get("/{supplier_id}")
def get_supplier(supplier_id: UUID, request: Request) -> SupplierRead:
    """One supplier's record."""
    return request.app.state.supplier_client.get(supplier_id)


@router.get("/{supplier_id}/scorecards")
def get_scorecards(supplier_id: UUID, request: Request) -> list[dict[str, Any]]:
    """The supplier's scorecards, newest year first."""
    return request.app.state.scoring_client.scorecards(supplier_id)
