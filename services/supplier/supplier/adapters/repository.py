"""Loads and saves suppliers and their sites; remembers what it saw so the unit of work can collect
their events."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, and_, exists, or_, select, tuple_
from sqlalchemy.exc import IntegrityError

from shared.contracts.supplier_api import SupplierContact
from supplier.adapters.orm import suppliers
from supplier.adapters.tables.credentials import credentials
from supplier.adapters.tables.sites import sites
from supplier.domain.errors import SupplierAlreadyExists
from supplier.domain.model import Supplier, SupplierFilter
from supplier.domain.sites import Site, SiteDetails

# A credential announced as expiring soon is one still in play, not rejected, revoked or expired.
_LIVE_STATES = ("submitted", "verified")


class SupplierRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.seen: list[Supplier] = []

    def add(self, supplier: Supplier) -> None:
        """Insert; a concurrent registration of the same identity loses with SupplierAlreadyExists."""
        try:
            self._insert(supplier)
        except IntegrityError as error:
            raise SupplierAlreadyExists(
                "USCC or registry id", supplier.uscc or str(supplier.registry_id)
            ) from error
        self.seen.append(supplier)

    def _insert(self, supplier: Supplier) -> None:
        # A savepoint, so the failed insert leaves the unit of work's transaction usable.
        with self.conn.begin_nested():
            self.conn.execute(
                suppliers.insert().values(
                    id=supplier.id,
                    uscc=supplier.uscc,
                    registry_id=supplier.registry_id,
                    country=supplier.country,
                    created_at=supplier.created_at,
                    **_profile_values(supplier),
                )
            )

    def get(self, supplier_id: uuid.UUID, *, lock: bool = False) -> Supplier | None:
        """One supplier; `lock` holds its row until commit, serialising writers of the aggregate."""
        query = select(suppliers).where(suppliers.c.id == supplier_id)
        row = self.conn.execute(query.with_for_update() if lock else query).mappings().first()
        if row is None:
            return None
        supplier = _supplier(row)
        self.seen.append(supplier)
        return supplier

    def get_by_uscc(self, uscc: str) -> Supplier | None:
        row = self.conn.execute(select(suppliers).where(suppliers.c.uscc == uscc)).mappings().first()
        return _supplier(row) if row else None

    def find_by_identity(self, *, uscc: str | None, registry_id: str | None) -> Supplier | None:
        clauses = []
        if uscc:
            clauses.append(suppliers.c.uscc == uscc)
        if registry_id:
            clauses.append(suppliers.c.registry_id == registry_id)
        if not clauses:
            return None
        row = self.conn.execute(select(suppliers).where(or_(*clauses))).mappings().first()
        return _supplier(row) if row else None

    def save(self, supplier: Supplier) -> None:
        """Write back the profile and version of a supplier read with `get(..., lock=True)`."""
        self.conn.execute(
            suppliers.update().where(suppliers.c.id == supplier.id).values(**_profile_values(supplier))
        )

    def search(
        self, where: SupplierFilter, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[Supplier]:
        """Suppliers matching `where` in (created_at, id) order, starting after the keyset `after`."""
        query = select(suppliers).where(*_conditions(where))
        if after is not None:
            query = query.where(tuple_(suppliers.c.created_at, suppliers.c.id) > tuple_(*after))
        query = query.order_by(suppliers.c.created_at, suppliers.c.id).limit(limit)
        return [_supplier(row) for row in self.conn.execute(query).mappings()]

    # --- sites ----------------------------------------------------------------------------------

    def add_site(self, site: Site) -> None:
        self.conn.execute(
            sites.insert().values(
                id=site.id, supplier_id=site.supplier_id, created_at=site.created_at, **_site_values(site)
            )
        )

    def get_site(self, supplier_id: uuid.UUID, site_id: uuid.UUID) -> Site | None:
        """The site, only when it belongs to `supplier_id` (another supplier's site is not found)."""
        query = select(sites).where(sites.c.id == site_id, sites.c.supplier_id == supplier_id)
        row = self.conn.execute(query).mappings().first()
        return _site(row) if row else None

    def list_sites(
        self, supplier_id: uuid.UUID, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[Site]:
        query = select(sites).where(sites.c.supplier_id == supplier_id)
        if after is not None:
            query = query.where(tuple_(sites.c.created_at, sites.c.id) > tuple_(*after))
        query = query.order_by(sites.c.created_at, sites.c.id).limit(limit)
        return [_site(row) for row in self.conn.execute(query).mappings()]

    def save_site(self, site: Site) -> None:
        self.conn.execute(sites.update().where(sites.c.id == site.id).values(**_site_values(site)))


def _conditions(where: SupplierFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.industry_prefix:
        conditions.append(suppliers.c.industry_code.startswith(where.industry_prefix, autoescape=True))
    if where.country:
        conditions.append(suppliers.c.country == where.country)
    if where.name_contains:
        conditions.append(suppliers.c.legal_name.icontains(where.name_contains, autoescape=True))
    if where.filters_credentials:
        conditions.append(exists().where(credentials.c.supplier_id == suppliers.c.id, *_credential(where)))
    return conditions


def _credential(where: SupplierFilter) -> list[ColumnElement[bool]]:
    """Conditions on one credential: all of them must hold for the same credential."""
    conditions: list[ColumnElement[bool]] = []
    if where.credential_type:
        conditions.append(credentials.c.type == where.credential_type)
    if where.credential_state:
        conditions.append(credentials.c.state == where.credential_state)
    if where.expiring_within_days is not None:
        horizon = where.today + timedelta(days=where.expiring_within_days)
        conditions.append(
            and_(
                credentials.c.state.in_(_LIVE_STATES), credentials.c.expires_on.between(where.today, horizon)
            )
        )
    return conditions


def _profile_values(supplier: Supplier) -> dict[str, Any]:
    return {
        "legal_name": supplier.legal_name,
        "industry_code": supplier.industry_code,
        "size": supplier.size,
        "contacts": [c.model_dump(mode="json", exclude_none=True) for c in supplier.contacts],
        "version": supplier.version,
    }


def _supplier(row: RowMapping) -> Supplier:
    contacts = [SupplierContact.model_validate(c) for c in row["contacts"]]
    return Supplier(**{**row, "contacts": contacts})


def _site_values(site: Site) -> dict[str, Any]:
    details = site.details
    position = details.coordinates
    return {
        "name": details.name,
        "address_line": details.address.line,
        "city": details.address.city,
        "region": details.address.region,
        "postal_code": details.address.postal_code,
        "country": details.address.country,
        "latitude": position.latitude if position else None,
        "longitude": position.longitude if position else None,
        "industry_code": details.industry_code,
        "version": site.version,
    }


def _site(row: RowMapping) -> Site:
    position = None
    if row["latitude"] is not None:
        position = {"latitude": row["latitude"], "longitude": row["longitude"]}
    details = SiteDetails.model_validate(
        {
            "name": row["name"],
            "address": {
                "line": row["address_line"],
                "city": row["city"],
                "region": row["region"],
                "postal_code": row["postal_code"],
                "country": row["country"],
            },
            "coordinates": position,
            "industry_code": row["industry_code"],
        }
    )
    return Site(
        id=row["id"],
        supplier_id=row["supplier_id"],
        details=details,
        created_at=row["created_at"],
        version=row["version"],
    )
