"""Who may see and change which supplier: the tenant rules every route applies.

A supplier outside the caller's reach answers 404 exactly like an unknown one, so ids cannot be probed.
The platform operator sees everything; a supplier organisation sees and writes only its own supplier;
a buyer reads the suppliers in its supply base and writes none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from sqlalchemy import Connection, Engine, select

from gateway.adapters.tables.buyers import supply_base
from shared.problems import Problem

OrganisationKind = Literal["buyer", "supplier", "platform"]
SCOPES: dict[str, str] = {
    "compliance:read": "read compliance of suppliers in the caller's supply base (a supplier: its own)",
    "suppliers:write": "register and update the caller's supplier record, sites, yearly data, footprints",
    "credentials:write": "submit credentials and upload their documents",
    "policies:write": "manage the buyer's supply base and policies, run procurement checks",
    "subscriptions:write": "manage webhook subscriptions and read deliveries and the event feed",
    "reviews:write": "verify, reject and revoke credentials",
    "admin": "manage organisations and clients",
}
# Scopes a client of each kind of organisation may hold; the platform operator may hold any.
KIND_SCOPES: dict[str, frozenset[str]] = {
    "buyer": frozenset({"compliance:read", "policies:write", "subscriptions:write", "admin"}),
    "supplier": frozenset({"compliance:read", "suppliers:write", "credentials:write", "admin"}),
    "platform": frozenset(SCOPES),
}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: an API client of one organisation, with the scopes of its token."""

    client_id: UUID
    organisation_id: UUID
    kind: OrganisationKind
    supplier_id: UUID | None
    scopes: frozenset[str]


def supplier_not_found(supplier_id: UUID) -> Problem:
    return Problem(404, "Supplier not found", f"No supplier with id {supplier_id}.")


def ensure_supplier_readable(conn: Connection, principal: Principal, supplier_id: UUID) -> None:
    """404 unless the caller is the platform, the supplier's own organisation, or a buyer holding it."""
    if principal.kind == "platform" or principal.supplier_id == supplier_id:
        return
    if principal.kind == "buyer":
        held = conn.execute(
            select(supply_base.c.supplier_id).where(
                supply_base.c.buyer_id == principal.organisation_id,
                supply_base.c.supplier_id == supplier_id,
            )
        ).first()
        if held is not None:
            return
    raise supplier_not_found(supplier_id)


def ensure_supplier_readable_on(engine: Engine, principal: Principal, supplier_id: UUID) -> None:
    """`ensure_supplier_readable` for a route without a transaction of its own: a connection is taken
    only when a buyer's supply base must be consulted."""
    if principal.kind == "platform" or principal.supplier_id == supplier_id:
        return
    with engine.connect() as conn:
        ensure_supplier_readable(conn, principal, supplier_id)


def ensure_supplier_writable(principal: Principal, supplier_id: UUID) -> None:
    """404 unless the caller is the supplier's own organisation or the platform operator."""
    if principal.kind == "platform" or (
        principal.kind == "supplier" and principal.supplier_id == supplier_id
    ):
        return
    raise supplier_not_found(supplier_id)


def ensure_reviewer(principal: Principal, supplier_id: UUID) -> None:
    """Reviews are the platform's: anyone else is told the supplier does not exist."""
    if principal.kind != "platform":
        raise supplier_not_found(supplier_id)
