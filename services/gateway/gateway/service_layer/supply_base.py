"""A buyer's supply base: which suppliers it buys from, under its own codes and categories.

Suppliers are resolved through the supplier service (by USCC or id) before anything is written, so a
dependency failure leaves nothing behind; bulk adds write every resolvable item in one transaction.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeVar
from uuid import UUID

from sqlalchemy import Connection, Engine, delete, literal_column, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError

from gateway.adapters.tables.buyers import supply_base
from gateway.adapters.upstream import SupplierClient
from gateway.service_layer.access import Principal
from shared.problems import Problem

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class SupplyBaseEntry:
    supplier_id: UUID
    supplier_code: str | None
    category: str | None
    added_at: datetime


@dataclass(frozen=True)
class Addition:
    """One supplier to add: by ``uscc`` or ``supplier_id`` (exactly one), with the buyer's labels."""

    uscc: str | None = None
    supplier_id: UUID | None = None
    supplier_code: str | None = None
    category: str | None = None


def parallel_map(fn: Callable[[T], R], items: Iterable[T], *, concurrency: int) -> list[R]:
    """``fn`` over ``items`` on a few threads (upstream calls block); the first error propagates."""
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(fn, items))


def require_buyer(principal: Principal) -> None:
    if principal.kind != "buyer":
        raise Problem(403, "Forbidden", "Only buyer organisations have a supply base, policies and checks.")


def unknown_supplier(addition: Addition) -> Problem:
    field, value = ("uscc", addition.uscc) if addition.uscc else ("supplier_id", addition.supplier_id)
    detail = f"No supplier is registered with {field} {value}."
    return Problem(422, "Unknown supplier", detail, errors=[{"pointer": f"#/{field}", "detail": detail}])


def resolve(addition: Addition, *, suppliers: SupplierClient) -> UUID | None:
    """The supplier's id, or None when the supplier service does not know it."""
    if addition.uscc:
        found = suppliers.by_uscc(addition.uscc)
    else:
        assert addition.supplier_id is not None
        found = suppliers.find(addition.supplier_id)
    return None if found is None else found.id


def _upsert(
    conn: Connection, buyer_id: UUID, supplier_id: UUID, addition: Addition
) -> tuple[SupplyBaseEntry, bool]:
    """Add or relabel; returns the entry and whether it is new. A code clash raises 409."""
    labels = {"supplier_code": addition.supplier_code, "category": addition.category}
    statement = insert(supply_base).values(buyer_id=buyer_id, supplier_id=supplier_id, **labels)
    upsert = statement.on_conflict_do_update(index_elements=["buyer_id", "supplier_id"], set_=labels)
    try:
        with conn.begin_nested():
            # xmax is 0 on a freshly inserted row version, non-zero when the upsert updated.
            row = conn.execute(
                upsert.returning(supply_base, literal_column("xmax = 0").label("created"))
            ).one()
    except IntegrityError as error:
        raise _code_taken(addition) from error
    return SupplyBaseEntry(row.supplier_id, row.supplier_code, row.category, row.added_at), row.created


def _code_taken(addition: Addition) -> Problem:
    detail = f"The supplier code {addition.supplier_code!r} is already used for another supplier."
    return Problem(
        409, "Supplier code in use", detail, errors=[{"pointer": "#/supplier_code", "detail": detail}]
    )


def add_supplier(
    *, principal: Principal, addition: Addition, suppliers: SupplierClient, conn: Connection
) -> tuple[SupplyBaseEntry, bool]:
    """Add one supplier (or relabel it if present) in the caller's transaction ``conn``; returns the
    entry and whether it is new."""
    require_buyer(principal)
    supplier_id = resolve(addition, suppliers=suppliers)
    if supplier_id is None:
        raise unknown_supplier(addition)
    return _upsert(conn, principal.organisation_id, supplier_id, addition)


@dataclass(frozen=True)
class BulkResult:
    index: int
    status: Literal["created", "updated", "error"]
    entry: SupplyBaseEntry | None = None
    problem: Problem | None = None


def add_suppliers(
    *,
    principal: Principal,
    additions: list[Addition],
    suppliers: SupplierClient,
    concurrency: int,
    engine: Engine,
) -> list[BulkResult]:
    """Add many; each item succeeds or fails on its own. Resolution happens first, so an upstream
    outage (503) fails the whole request before anything is written."""
    require_buyer(principal)
    ids = parallel_map(lambda a: resolve(a, suppliers=suppliers), additions, concurrency=concurrency)
    results: list[BulkResult] = []
    with engine.begin() as conn:
        for index, (addition, supplier_id) in enumerate(zip(additions, ids, strict=True)):
            if supplier_id is None:
                results.append(BulkResult(index, "error", problem=unknown_supplier(addition)))
                continue
            try:
                entry, created = _upsert(conn, principal.organisation_id, supplier_id, addition)
            except Problem as problem:
                results.append(BulkResult(index, "error", problem=problem))
                continue
            results.append(BulkResult(index, "created" if created else "updated", entry=entry))
    return results


def encode_cursor(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise bad_cursor() from error


def bad_cursor() -> Problem:
    detail = "The cursor is not one this API issued."
    return Problem(400, "Invalid cursor", detail, errors=[{"pointer": "#/query/cursor", "detail": detail}])


def list_supply_base(
    *, principal: Principal, category: str | None, limit: int, cursor: str | None, engine: Engine
) -> tuple[list[SupplyBaseEntry], str | None]:
    """One page ordered by supplier id; the cursor is opaque to callers."""
    require_buyer(principal)
    query = select(supply_base).where(supply_base.c.buyer_id == principal.organisation_id)
    if category is not None:
        query = query.where(supply_base.c.category == category)
    if cursor is not None:
        try:
            after = UUID(decode_cursor(cursor))
        except ValueError as error:
            raise bad_cursor() from error
        query = query.where(supply_base.c.supplier_id > after)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(supply_base.c.supplier_id).limit(limit + 1)).all()
    entries = [SupplyBaseEntry(r.supplier_id, r.supplier_code, r.category, r.added_at) for r in rows[:limit]]
    next_cursor = encode_cursor(str(entries[-1].supplier_id)) if len(rows) > limit else None
    return entries, next_cursor


def remove_supplier(*, principal: Principal, supplier_id: UUID, engine: Engine) -> None:
    """Remove a supplier from the caller's supply base; 404 if it is not in it."""
    require_buyer(principal)
    with engine.begin() as conn:
        removed = conn.execute(
            delete(supply_base).where(
                supply_base.c.buyer_id == principal.organisation_id, supply_base.c.supplier_id == supplier_id
            )
        ).rowcount
    if not removed:
        raise Problem(404, "Supplier not found", f"No supplier {supplier_id} in your supply base.")
