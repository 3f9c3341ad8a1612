"""Supplier use cases: keyword-only, one unit of work each."""

from __future__ import annotations

import uuid

from supplier.domain.errors import SupplierAlreadyExists, SupplierNotFound
from supplier.domain.model import Supplier
from supplier.service_layer.unit_of_work import UnitOfWork


def register_supplier(
    *,
    legal_name: str,
    country: str,
    industry_code: str,
    uscc: str | None,
    registry_id: str | None,
    uow: UnitOfWork,
) -> Supplier:
    """Register a supplier. Emits greenchain.supplier.registered.v1."""
    with uow:
        existing = uow.suppliers.find_by_identity(uscc=uscc, registry_id=registry_id)
        if existing is not None:
            field, value = ("USCC", uscc) if uscc and existing.uscc == uscc else ("registry id", registry_id)
            raise SupplierAlreadyExists(field, str(value))
        supplier = Supplier.register(
            legal_name=legal_name,
            country=country,
            industry_code=industry_code,
            uscc=uscc,
            registry_id=registry_id,
        )
        uow.suppliers.add(supplier)
        uow.commit()
        return supplier


def get_supplier(*, supplier_id: uuid.UUID, uow: UnitOfWork) -> Supplier:
    with uow:
        supplier = uow.suppliers.get(supplier_id)
        if supplier is None:
            raise SupplierNotFound(supplier_id)
        return supplier
