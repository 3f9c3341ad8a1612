"""Supplier use cases: keyword-only, one unit of work each."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from shared.contracts.supplier_api import SupplierContact, SupplierSize
from supplier.domain.errors import SupplierAlreadyExists, SupplierNotFound
from supplier.domain.model import NoSupplierWithUscc, Supplier, SupplierFilter, check_version
from supplier.service_layer.unit_of_work import UnitOfWork


def register_supplier(
    *,
    legal_name: str,
    country: str,
    industry_code: str,
    uscc: str | None,
    registry_id: str | None,
    size: SupplierSize | None = None,
    contacts: list[SupplierContact] | None = None,
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
            size=size,
            contacts=contacts,
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


def get_supplier_by_uscc(*, uscc: str, uow: UnitOfWork) -> Supplier:
    with uow:
        supplier = uow.suppliers.get_by_uscc(uscc)
        if supplier is None:
            raise NoSupplierWithUscc(uscc)
        return supplier


def update_supplier(
    *,
    supplier_id: uuid.UUID,
    patch: Mapping[str, Any],
    expected_versions: Collection[int] | None,
    uow: UnitOfWork,
) -> Supplier:
    """Merge `patch` into the profile if the client read the current version (None: any version).

    Emits greenchain.supplier.updated.v1 when something changed; a no-op writes nothing.
    """
    with uow:
        supplier = uow.suppliers.get(supplier_id, lock=True)
        if supplier is None:
            raise SupplierNotFound(supplier_id)
        check_version("supplier", supplier.version, expected_versions)
        if supplier.apply_patch(patch):
            uow.suppliers.save(supplier)
            uow.commit()
        return supplier


def list_suppliers(
    *, where: SupplierFilter, after: tuple[datetime, uuid.UUID] | None, limit: int, uow: UnitOfWork
) -> list[Supplier]:
    """Up to `limit` suppliers matching `where`, in (created_at, id) order after the keyset `after`."""
    with uow:
        return uow.suppliers.search(where, after=after, limit=limit)
