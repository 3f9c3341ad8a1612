"""Supplier records: registration, profile updates, lookup, list and search."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Header, Path, Query, Response
from pydantic import ValidationError

from shared.contracts.supplier_api import SupplierRead, SupplierRegistration
from shared.identifiers import USCC_ALPHABET
from supplier.api.dependencies import UowDep
from supplier.api.pagination import Keyset, Page, after_keyset, page_of
from supplier.api.schemas import SupplierQuery, supplier_read
from supplier.api.updates import etag, expected_versions, invalid_patch
from supplier.service_layer import services

router = APIRouter(prefix="/v1/suppliers", tags=["suppliers"])

PROFILE_PATCH_EXAMPLE = {"size": "medium", "contacts": [{"name": "Li Wei", "email": "li.wei@example.cn"}]}


@router.post("", status_code=201)
def register_supplier(body: SupplierRegistration, uow: UowDep, response: Response) -> SupplierRead:
    """Register a supplier; publishes greenchain.supplier.registered.v1."""
    supplier = services.register_supplier(**dict(body), uow=uow)
    response.headers["Location"] = f"/v1/suppliers/{supplier.id}"
    response.headers["ETag"] = etag(supplier.version)
    return supplier_read(supplier)


@router.get("")
def list_suppliers(query: Annotated[SupplierQuery, Query()], uow: UowDep) -> Page[SupplierRead]:
    """Suppliers matching every given filter, oldest first, a page at a time.

    Credential filters (type, state, expiring within N days) must all hold for one and the same
    credential. Follow `next_cursor` until it is null; pages neither repeat nor skip suppliers.
    """
    after = after_keyset(query.cursor)
    rows = services.list_suppliers(where=query.to_filter(), after=after, limit=query.limit + 1, uow=uow)
    return page_of(rows, query.limit, key=lambda s: Keyset(s.created_at, s.id), item=supplier_read)


@router.get("/by-uscc/{uscc}")
def get_supplier_by_uscc(
    uscc: Annotated[str, Path(pattern=f"^[{USCC_ALPHABET}]{{18}}$", description="the supplier's USCC")],
    uow: UowDep,
    response: Response,
) -> SupplierRead:
    """The supplier registered with this unified social credit code."""
    supplier = services.get_supplier_by_uscc(uscc=uscc, uow=uow)
    response.headers["ETag"] = etag(supplier.version)
    return supplier_read(supplier)


@router.get("/{supplier_id}")
def get_supplier(supplier_id: UUID, uow: UowDep, response: Response) -> SupplierRead:
    """One supplier. The `ETag` header is what a later PATCH sends back as `If-Match`."""
    supplier = services.get_supplier(supplier_id=supplier_id, uow=uow)
    response.headers["ETag"] = etag(supplier.version)
    return supplier_read(supplier)


@router.patch("/{supplier_id}")
def update_supplier(
    supplier_id: UUID,
    patch: Annotated[dict[str, Any], Body(examples=[PROFILE_PATCH_EXAMPLE])],
    uow: UowDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> SupplierRead:
    """Change the profile: a JSON merge patch (RFC 7396) of legal_name, industry_code, size, contacts.

    `If-Match` with the ETag of the supplier you read is required (428 without it, 412 when the
    supplier changed since). The identity fields uscc, registry_id and country cannot change (422).
    Publishes greenchain.supplier.updated.v1 with the changed fields; an update that changes nothing
    publishes nothing.
    """
    versions = expected_versions(if_match, "supplier")
    try:
        supplier = services.update_supplier(
            supplier_id=supplier_id, patch=patch, expected_versions=versions, uow=uow
        )
    except ValidationError as error:
        raise invalid_patch(error) from error
    response.headers["ETag"] = etag(supplier.version)
    return supplier_read(supplier)
