"""Product carbon footprint use cases (PACT v3): publish, publish a new version, read.

A published document is never edited. A new version is a new footprint linked to its
predecessor (`precedingPfIds`), and the old one is marked Deprecated; both stay readable.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, select, update

from shared.contracts.supplier import FootprintDeprecated, FootprintPublished
from shared.events import EventContract
from supplier.adapters.tables.footprints import footprints
from supplier.domain.errors import SupplierError
from supplier.domain.footprints import ProductFootprint, link_predecessor, supersede
from supplier.domain.identifiers import urn_key
from supplier.domain.pact import FootprintStatus
from supplier.service_layer.performance import supplier_industry
from supplier.service_layer.unit_of_work import UnitOfWork


class FootprintNotFound(SupplierError):
    def __init__(self, footprint_id: uuid.UUID) -> None:
        super().__init__(f"No footprint with id {footprint_id}.")


class FootprintExists(SupplierError):
    def __init__(self, footprint_id: uuid.UUID) -> None:
        super().__init__(f"A footprint with id {footprint_id} is already published; publish a new version.")
        self.extensions = {"errors": [{"pointer": "#/id", "detail": str(self)}]}


class FootprintNotActive(SupplierError):
    def __init__(self, status: str) -> None:
        super().__init__(f"Only Active footprints are published, not {status}.")
        self.extensions = {"errors": [{"pointer": "#/status", "detail": str(self)}]}


def publish_footprint(
    *, supplier_id: uuid.UUID, footprint: ProductFootprint, uow: UnitOfWork
) -> dict[str, Any]:
    """Publish a new footprint; emits greenchain.supplier.footprint.published.v1."""
    with uow:
        supplier_industry(uow.conn, supplier_id)
        if existing_ids(uow.conn, [footprint.id]):
            raise FootprintExists(footprint.id)
        for event in store_footprints(uow.conn, supplier_id, [footprint]):
            uow.publish(event)
        row = _get(uow.conn, footprint.id)
        uow.commit()
    return dict(row)


def publish_version(
    *, supplier_id: uuid.UUID, footprint_id: uuid.UUID, footprint: ProductFootprint, uow: UnitOfWork
) -> dict[str, Any]:
    """Publish `footprint` as the successor of `footprint_id`, which becomes Deprecated.

    Emits footprint.published (with preceded_by) and footprint.deprecated in one transaction.
    """
    with uow:
        old_row = _get(uow.conn, footprint_id, lock=True)
        if old_row["supplier_id"] != supplier_id:
            raise FootprintNotFound(footprint_id)
        if existing_ids(uow.conn, [footprint.id]):
            raise FootprintExists(footprint.id)
        old = ProductFootprint.model_validate(old_row["document"])
        deprecated = supersede(old, footprint)
        new = link_predecessor(footprint, old)
        for event in store_footprints(uow.conn, supplier_id, [new], preceded_by=old.id):
            uow.publish(event)
        uow.conn.execute(
            update(footprints)
            .where(footprints.c.id == old.id)
            .values(status=deprecated.status.value, document=deprecated.to_wire(), superseded_by=new.id)
        )
        uow.publish(FootprintDeprecated(supplier_id=supplier_id, footprint_id=old.id, superseded_by=new.id))
        row = _get(uow.conn, new.id)
        uow.commit()
    return dict(row)


def list_footprints(
    *, supplier_id: uuid.UUID, status: FootprintStatus | None, product_id: str | None, uow: UnitOfWork
) -> list[dict[str, Any]]:
    """The supplier's footprints, newest first, optionally by status and product URN."""
    query = select(footprints).where(footprints.c.supplier_id == supplier_id)
    if status is not None:
        query = query.where(footprints.c.status == status.value)
    if product_id is not None:
        query = query.where(footprints.c.product_ids.contains([urn_key(product_id)]))
    with uow:
        supplier_industry(uow.conn, supplier_id)
        rows = uow.conn.execute(query.order_by(footprints.c.created_at.desc())).mappings()
        return [dict(row) for row in rows]


def get_footprint(*, footprint_id: uuid.UUID, uow: UnitOfWork) -> dict[str, Any]:
    with uow:
        return dict(_get(uow.conn, footprint_id))


def existing_ids(conn: Connection, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    return set(conn.execute(select(footprints.c.id).where(footprints.c.id.in_(ids))).scalars())


def store_footprints(
    conn: Connection,
    supplier_id: uuid.UUID,
    documents: Sequence[ProductFootprint],
    *,
    preceded_by: uuid.UUID | None = None,
) -> list[EventContract]:
    """Insert Active footprints (ids checked new by the caller); returns their FootprintPublished events."""
    for document in documents:
        if document.status is not FootprintStatus.ACTIVE:
            raise FootprintNotActive(document.status)
    if not documents:
        return []
    now = datetime.now(UTC)
    conn.execute(
        footprints.insert(),
        [
            {
                "id": document.id,
                "supplier_id": supplier_id,
                "status": document.status.value,
                "document": document.to_wire(),
                "preceded_by": preceded_by,
                "product_ids": [urn_key(product) for product in document.product_ids],
                "created_at": now,
            }
            for document in documents
        ],
    )
    return [published_event(supplier_id, document, preceded_by) for document in documents]


def published_event(
    supplier_id: uuid.UUID, document: ProductFootprint, preceded_by: uuid.UUID | None
) -> FootprintPublished:
    pcf = document.pcf
    return FootprintPublished(
        supplier_id=supplier_id,
        footprint_id=document.id,
        product_ids=list(document.product_ids),
        declared_unit=pcf.declared_unit_of_measurement.value,
        pcf_excluding_biogenic_kgco2e=pcf.pcf_excluding_biogenic_uptake,
        pcf_including_biogenic_kgco2e=pcf.pcf_including_biogenic_uptake,
        reference_period_start=pcf.reference_period_start,
        reference_period_end=pcf.reference_period_end,
        verified=pcf.verification is not None,
        preceded_by=preceded_by,
        footprint=document.to_wire(),
    )


def _get(conn: Connection, footprint_id: uuid.UUID, *, lock: bool = False) -> RowMapping:
    query = select(footprints).where(footprints.c.id == footprint_id)
    row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise FootprintNotFound(footprint_id)
    return row
