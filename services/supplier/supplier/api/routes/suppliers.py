"""Supplier records."""

from uuid import UUID

from fastapi import APIRouter, Response

from shared.contracts.supplier_api import SupplierRead, SupplierRegistration
from supplier.api.dependencies import UowDep
from supplier.domain.model import Supplier
from supplier.service_layer import services

router = APIRouter(prefix="/v1/suppliers", tags=["suppliers"])


def _read(supplier: Supplier) -> SupplierRead:
    return SupplierRead.model_validate(supplier, from_attributes=True)


@router.post("", status_code=201)
def register_supplier(body: SupplierRegistration, uow: UowDep, response: Response) -> SupplierRead:
    """Register a supplier; publishes greenchain.supplier.registered.v1."""
    supplier = services.register_supplier(**body.model_dump(), uow=uow)
    response.headers["Location"] = f"/v1/suppliers/{supplier.id}"
    return _read(supplier)


@router.get("/{supplier_id}")
def get_supplier(supplier_id: UUID, uow: UowDep) -> SupplierRead:
    """One supplier."""
    return _read(services.get_supplier(supplier_id=supplier_id, uow=uow))
