"""A buyer's supply base: the suppliers whose compliance it reads and checks purchases against."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import Connection

from gateway.api.idempotency import idempotency_key, respond_idempotently
from gateway.api.rate_limit import rate_limited
from gateway.api.schemas import (
    NO_NUL,
    BulkItemResult,
    BulkResult,
    ItemProblem,
    SupplyBaseAdd,
    SupplyBaseBulk,
    SupplyBaseEntryRead,
    SupplyBasePage,
)
from gateway.api.security import Principal, authorise
from gateway.service_layer import supply_base as service

router = APIRouter(prefix="/v1/supply-base", tags=["supply base"], dependencies=[Depends(rate_limited)])
Writer = Annotated[Principal, Depends(authorise("policies:write"))]
Reader = Annotated[Principal, Depends(authorise("compliance:read"))]
IdempotencyKey = Annotated[str | None, Depends(idempotency_key)]


def _addition(body: SupplyBaseAdd) -> service.Addition:
    return service.Addition(body.uscc, body.supplier_id, body.supplier_code, body.category)


def _entry(entry: service.SupplyBaseEntry) -> SupplyBaseEntryRead:
    return SupplyBaseEntryRead.model_validate(entry, from_attributes=True)


@router.post(
    "", status_code=201, response_model=SupplyBaseEntryRead, responses={200: {"model": SupplyBaseEntryRead}}
)
def add_supplier(body: SupplyBaseAdd, principal: Writer, key: IdempotencyKey, request: Request) -> Response:
    """Add a supplier by USCC or id (201), or relabel one already there (200). An unknown supplier is a
    422 naming the field. Safe to retry with `Idempotency-Key`."""

    def create(conn: Connection) -> tuple[int, SupplyBaseEntryRead, dict[str, str]]:
        entry, created = service.add_supplier(
            principal=principal,
            addition=_addition(body),
            suppliers=request.app.state.supplier_client,
            conn=conn,
        )
        return (201 if created else 200), _entry(entry), {"Location": f"/v1/supply-base/{entry.supplier_id}"}

    return respond_idempotently(request, principal, key, body, create=create)


def _bulk_item(result: service.BulkResult) -> BulkItemResult:
    problem = result.problem
    return BulkItemResult(
        index=result.index,
        status=result.status,
        entry=_entry(result.entry) if result.entry else None,
        problem=None
        if problem is None
        else ItemProblem(
            status=problem.status,
            title=problem.title,
            detail=problem.detail,
            errors=problem.extensions.get("errors", []),
        ),
    )


@router.post("/bulk")
def add_suppliers(body: SupplyBaseBulk, principal: Writer, request: Request) -> BulkResult:
    """Add up to 1,000 suppliers; each item is created, updated or fails on its own (see `results`)."""
    results = service.add_suppliers(
        principal=principal,
        additions=[_addition(item) for item in body.items],
        suppliers=request.app.state.supplier_client,
        concurrency=request.app.state.upstream_concurrency,
        engine=request.app.state.engine,
    )
    items = [_bulk_item(r) for r in results]
    counts = {s: sum(1 for i in items if i.status == s) for s in ("created", "updated", "error")}
    return BulkResult(
        created=counts["created"], updated=counts["updated"], failed=counts["error"], results=items
    )


@router.get("")
def list_supply_base(
    principal: Reader,
    request: Request,
    category: Annotated[str | None, Query(max_length=200, pattern=NO_NUL)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> SupplyBasePage:
    """The supply base ordered by supplier id, optionally one `category`; cursor-paginated."""
    entries, next_cursor = service.list_supply_base(
        principal=principal, category=category, limit=limit, cursor=cursor, engine=request.app.state.engine
    )
    return SupplyBasePage(items=[_entry(e) for e in entries], next_cursor=next_cursor)


@router.delete("/{supplier_id}", status_code=204)
def remove_supplier(supplier_id: UUID, principal: Writer, request: Request) -> Response:
    """Remove a supplier from the supply base (404 if it is not in it)."""
    service.remove_supplier(principal=principal, supplier_id=supplier_id, engine=request.app.state.engine)
    return Response(status_code=204)
