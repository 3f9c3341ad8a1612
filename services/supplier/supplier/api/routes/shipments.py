"""Shipments to buyers with ISO 14083 / GLEC emissions per leg, from the versioned factor table."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from supplier.api.dependencies import UowDep
from supplier.domain.logistics import Leg, LegEmissions
from supplier.domain.values import DecimalStr
from supplier.service_layer import shipments as service

router = APIRouter(prefix="/v1/suppliers/{supplier_id}/shipments", tags=["shipments"])


class ShipmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    buyer_reference: Annotated[str, Field(max_length=200)] | None = None
    shipped_on: date
    legs: list[Leg] = Field(
        min_length=1, description="mode, vehicle_class, region?, distance_km, mass_t, carrier_data?"
    )


class ShipmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    supplier_id: UUID
    buyer_reference: str | None
    shipped_on: date
    legs: list[dict[str, Any]] = Field(description="the legs as submitted")
    results: list[LegEmissions] = Field(
        description="per leg: tonne-km, intensity, emissions, tier, factor version"
    )
    total_tonne_km: DecimalStr
    total_kgco2e: DecimalStr
    factor_version: str
    tier: str = Field(description="the worst data-quality tier among the legs")
    created_at: datetime


def _read(row: dict[str, Any]) -> ShipmentRead:
    totals = {name: Decimal(row[name]).normalize() for name in ("total_tonne_km", "total_kgco2e")}
    return ShipmentRead.model_validate(row | totals)


@router.post("", status_code=201)
def record_shipment(
    supplier_id: UUID, body: ShipmentCreate, request: Request, response: Response, uow: UowDep
) -> ShipmentRead:
    """Record a shipment: emissions = mass_t * distance_km * intensity (gCO2e/tkm) / 1000 per leg, from
    carrier data when given, else the factor table. Publishes greenchain.supplier.shipment.recorded.v1."""
    row = service.record_shipment(
        supplier_id=supplier_id,
        buyer_reference=body.buyer_reference,
        shipped_on=body.shipped_on,
        legs=body.legs,
        table=request.app.state.factor_table,
        uow=uow,
    )
    response.headers["Location"] = f"/v1/suppliers/{supplier_id}/shipments/{row['id']}"
    return _read(row)


@router.get("")
def list_shipments(supplier_id: UUID, uow: UowDep) -> list[ShipmentRead]:
    """The supplier's shipments, latest first."""
    return [_read(row) for row in service.list_shipments(supplier_id=supplier_id, uow=uow)]


@router.get("/{shipment_id}")
def get_shipment(supplier_id: UUID, shipment_id: UUID, uow: UowDep) -> ShipmentRead:
    """One shipment with its leg results."""
    return _read(service.get_shipment(supplier_id=supplier_id, shipment_id=shipment_id, uow=uow))
