"""Product carbon footprints in the PACT v3 ProductFootprint model; a change is a new version."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from supplier.api.dependencies import UowDep
from supplier.domain.footprints import ProductFootprint
from supplier.domain.pact import FootprintStatus
from supplier.service_layer import footprints as service

router = APIRouter(tags=["footprints"])
SUPPLIER_FOOTPRINTS = "/v1/suppliers/{supplier_id}/footprints"


class FootprintRead(BaseModel):
    id: UUID
    supplier_id: UUID
    status: FootprintStatus
    preceded_by: UUID | None
    superseded_by: UUID | None
    created_at: datetime
    footprint: dict[str, Any] = Field(description="the PACT v3 ProductFootprint document (camelCase)")


def _read(row: dict[str, Any]) -> FootprintRead:
    return FootprintRead.model_validate(row | {"footprint": row["document"]})


@router.post(SUPPLIER_FOOTPRINTS, status_code=201)
def publish_footprint(
    supplier_id: UUID, body: ProductFootprint, response: Response, uow: UowDep
) -> FootprintRead:
    """Publish a PACT v3 ProductFootprint, validated field by field (errors point at the camelCase
    property, e.g. `#/pcf/exemptedEmissionsPercent`). Publishes greenchain.supplier.footprint.published.v1."""
    row = service.publish_footprint(supplier_id=supplier_id, footprint=body, uow=uow)
    response.headers["Location"] = f"/v1/footprints/{row['id']}"
    return _read(row)


@router.post(SUPPLIER_FOOTPRINTS + "/{footprint_id}/versions", status_code=201)
def publish_version(
    supplier_id: UUID, footprint_id: UUID, body: ProductFootprint, response: Response, uow: UowDep
) -> FootprintRead:
    """Change a footprint: `body` (a new id) is published with the old id in `precedingPfIds`, and the
    old one is marked Deprecated; both stay readable. Publishes footprint.published and
    footprint.deprecated."""
    row = service.publish_version(supplier_id=supplier_id, footprint_id=footprint_id, footprint=body, uow=uow)
    response.headers["Location"] = f"/v1/footprints/{row['id']}"
    return _read(row)


@router.get(SUPPLIER_FOOTPRINTS)
def list_footprints(
    supplier_id: UUID,
    uow: UowDep,
    status: FootprintStatus | None = None,
    product_id: Annotated[str | None, Query(alias="productId", description="a product URN")] = None,
) -> list[FootprintRead]:
    """The supplier's footprints, newest first; filter by `status` and `productId`."""
    rows = service.list_footprints(supplier_id=supplier_id, status=status, product_id=product_id, uow=uow)
    return [_read(row) for row in rows]


@router.get("/v1/footprints/{footprint_id}")
def get_footprint(footprint_id: UUID, uow: UowDep) -> FootprintRead:
    """One footprint, Active or Deprecated."""
    return _read(service.get_footprint(footprint_id=footprint_id, uow=uow))
