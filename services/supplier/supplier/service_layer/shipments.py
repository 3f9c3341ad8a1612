"""Shipments to buyers and their ISO 14083 / GLEC emissions, leg by leg.

The factor table is the packaged, versioned default plus an optional override file (TOML with
an optional `label` and `[[factors]]` rows like the default's); its version, e.g.
`2026.1+acme`, is recorded on every result so a figure can always be traced to its factors.
"""

from __future__ import annotations

import tomllib
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, RowMapping, select

from shared.contracts.supplier import ShipmentLegResult, ShipmentRecorded
from supplier.adapters.tables.footprints import shipments
from supplier.domain.errors import SupplierError
from supplier.domain.logistics import (
    FactorRow,
    FactorTable,
    Leg,
    ShipmentEmissions,
    load_factor_table,
    shipment_emissions,
)
from supplier.service_layer.performance import supplier_industry
from supplier.service_layer.unit_of_work import UnitOfWork


class ShipmentNotFound(SupplierError):
    def __init__(self, shipment_id: uuid.UUID) -> None:
        super().__init__(f"No shipment with id {shipment_id}.")


def factor_table(overrides_path: Path | None) -> FactorTable:
    """The packaged default table, with the rows of `overrides_path` replacing or adding rows."""
    table = load_factor_table()
    if overrides_path is None:
        return table
    overrides = tomllib.loads(overrides_path.read_text("utf-8"))
    rows = [FactorRow.model_validate(row) for row in overrides.get("factors", [])]
    return table.with_overrides(rows, label=str(overrides.get("label") or overrides_path.stem))


def record_shipment(
    *,
    supplier_id: uuid.UUID,
    buyer_reference: str | None,
    shipped_on: date,
    legs: list[Leg],
    table: FactorTable,
    uow: UnitOfWork,
) -> dict[str, Any]:
    """Calculate and store a shipment's emissions; emits greenchain.supplier.shipment.recorded.v1."""
    emissions = shipment_emissions(legs, table)
    shipment_id = uuid.uuid4()
    with uow:
        supplier_industry(uow.conn, supplier_id)
        uow.conn.execute(
            shipments.insert().values(
                id=shipment_id,
                supplier_id=supplier_id,
                buyer_reference=buyer_reference,
                shipped_on=shipped_on,
                legs=[leg.model_dump(mode="json") for leg in legs],
                results=[result.model_dump(mode="json") for result in emissions.legs],
                total_tonne_km=emissions.total_tonne_km,
                total_kgco2e=emissions.total_kgco2e,
                factor_version=table.version,
                tier=emissions.tier.value,
                created_at=datetime.now(UTC),
            )
        )
        uow.publish(_recorded(supplier_id, shipment_id, buyer_reference, shipped_on, legs, emissions, table))
        row = _get(uow.conn, shipment_id)
        uow.commit()
    return dict(row)


def list_shipments(*, supplier_id: uuid.UUID, uow: UnitOfWork) -> list[dict[str, Any]]:
    """The supplier's shipments, latest shipping date first."""
    with uow:
        supplier_industry(uow.conn, supplier_id)
        query = select(shipments).where(shipments.c.supplier_id == supplier_id)
        rows = uow.conn.execute(query.order_by(shipments.c.shipped_on.desc(), shipments.c.created_at.desc()))
        return [dict(row) for row in rows.mappings()]


def get_shipment(*, supplier_id: uuid.UUID, shipment_id: uuid.UUID, uow: UnitOfWork) -> dict[str, Any]:
    with uow:
        row = _get(uow.conn, shipment_id)
        if row["supplier_id"] != supplier_id:
            raise ShipmentNotFound(shipment_id)
        return dict(row)


def _recorded(
    supplier_id: uuid.UUID,
    shipment_id: uuid.UUID,
    buyer_reference: str | None,
    shipped_on: date,
    legs: list[Leg],
    emissions: ShipmentEmissions,
    table: FactorTable,
) -> ShipmentRecorded:
    return ShipmentRecorded(
        supplier_id=supplier_id,
        shipment_id=shipment_id,
        buyer_reference=buyer_reference,
        shipped_on=shipped_on,
        year=shipped_on.year,
        tonne_km=emissions.total_tonne_km,
        emissions_kgco2e=emissions.total_kgco2e,
        intensity_gco2e_per_tkm=emissions.total_kgco2e * 1000 / emissions.total_tonne_km,
        data_quality_tier=emissions.tier.value,
        factor_version=table.version,
        legs=[
            ShipmentLegResult(
                mode=result.mode.value,
                vehicle_class=result.vehicle_class,
                distance_km=leg.distance_km,
                mass_t=leg.mass_t,
                tonne_km=result.tonne_km,
                intensity_gco2e_per_tkm=result.intensity_gco2e_per_tkm,
                emissions_kgco2e=result.emissions_kgco2e,
                data_quality_tier=result.tier.value,
                factor_version=result.factor_version,
                factor_source=result.factor_source,
            )
            for leg, result in zip(legs, emissions.legs, strict=True)
        ],
    )


def _get(conn: Connection, shipment_id: uuid.UUID) -> RowMapping:
    row = conn.execute(select(shipments).where(shipments.c.id == shipment_id)).mappings().first()
    if row is None:
        raise ShipmentNotFound(shipment_id)
    return row
