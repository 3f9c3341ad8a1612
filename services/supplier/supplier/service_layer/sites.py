"""Site use cases. A site change is a change of its supplier: the supplier's version moves and
greenchain.supplier.updated.v1 with changed_fields ["sites"] goes out in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from supplier.domain.errors import SupplierNotFound
from supplier.domain.model import Supplier, check_version
from supplier.domain.sites import Site, SiteDetails, SiteNotFound
from supplier.service_layer.unit_of_work import UnitOfWork


def add_site(*, supplier_id: uuid.UUID, details: SiteDetails, uow: UnitOfWork) -> Site:
    with uow:
        supplier = _locked_supplier(uow, supplier_id)
        site = Site.create(supplier_id=supplier_id, details=details)
        uow.suppliers.add_site(site)
        supplier.sites_changed()
        uow.suppliers.save(supplier)
        uow.commit()
        return site


def get_site(*, supplier_id: uuid.UUID, site_id: uuid.UUID, uow: UnitOfWork) -> Site:
    with uow:
        site = uow.suppliers.get_site(supplier_id, site_id)
        if site is None:
            raise SiteNotFound(supplier_id, site_id)
        return site


def list_sites(
    *, supplier_id: uuid.UUID, after: tuple[datetime, uuid.UUID] | None, limit: int, uow: UnitOfWork
) -> list[Site]:
    with uow:
        if uow.suppliers.get(supplier_id) is None:
            raise SupplierNotFound(supplier_id)
        return uow.suppliers.list_sites(supplier_id, after=after, limit=limit)


def update_site(
    *,
    supplier_id: uuid.UUID,
    site_id: uuid.UUID,
    patch: Mapping[str, Any],
    expected_versions: Collection[int] | None,
    uow: UnitOfWork,
) -> Site:
    """Merge `patch` into the site if the client read its current version (None: any version)."""
    with uow:
        supplier = _locked_supplier(uow, supplier_id)
        site = uow.suppliers.get_site(supplier_id, site_id)
        if site is None:
            raise SiteNotFound(supplier_id, site_id)
        check_version("site", site.version, expected_versions)
        if site.apply_patch(patch):
            uow.suppliers.save_site(site)
            supplier.sites_changed()
            uow.suppliers.save(supplier)
            uow.commit()
        return site


def _locked_supplier(uow: UnitOfWork, supplier_id: uuid.UUID) -> Supplier:
    # Every write to a supplier's sites locks the supplier first, so they serialise on one row.
    supplier = uow.suppliers.get(supplier_id, lock=True)
    if supplier is None:
        raise SupplierNotFound(supplier_id)
    return supplier
