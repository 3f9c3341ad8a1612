"""Loads and saves suppliers; remembers what it saw so the unit of work can collect their events."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, or_, select
from sqlalchemy.exc import IntegrityError

from supplier.adapters.orm import suppliers
from supplier.domain.errors import SupplierAlreadyExists
from supplier.domain.model import Supplier


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
                    legal_name=supplier.legal_name,
                    country=supplier.country,
                    industry_code=supplier.industry_code,
                    uscc=supplier.uscc,
                    registry_id=supplier.registry_id,
                    version=supplier.version,
                    created_at=supplier.created_at,
                )
            )

    def get(self, supplier_id: uuid.UUID) -> Supplier | None:
        row = self.conn.execute(select(suppliers).where(suppliers.c.id == supplier_id)).mappings().first()
        return Supplier(**row) if row else None

    def find_by_identity(self, *, uscc: str | None, registry_id: str | None) -> Supplier | None:
        clauses = []
        if uscc:
            clauses.append(suppliers.c.uscc == uscc)
        if registry_id:
            clauses.append(suppliers.c.registry_id == registry_id)
        if not clauses:
            return None
        row = self.conn.execute(select(suppliers).where(or_(*clauses))).mappings().first()
        return Supplier(**row) if row else None
