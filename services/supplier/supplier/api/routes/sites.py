"""A supplier's sites (facilities)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Header, Response
from pydantic import ValidationError

from supplier.api.dependencies import UowDep
from supplier.api.pagination import Cursor, Keyset, Limit, Page, after_keyset, page_of
from supplier.api.schemas import SiteRead
from supplier.api.updates import etag, expected_versions, invalid_patch
from supplier.domain.sites import SiteDetails
from supplier.service_layer import sites

router = APIRouter(prefix="/v1/suppliers/{supplier_id}/sites", tags=["sites"])


@router.post("", status_code=201)
def add_site(supplier_id: UUID, body: SiteDetails, uow: UowDep, response: Response) -> SiteRead:
    """Add a site; publishes greenchain.supplier.updated.v1 with changed_fields ["sites"]."""
    site = sites.add_site(supplier_id=supplier_id, details=body, uow=uow)
    response.headers["Location"] = f"/v1/suppliers/{supplier_id}/sites/{site.id}"
    response.headers["ETag"] = etag(site.version)
    return SiteRead.of(site)


@router.get("")
def list_sites(supplier_id: UUID, uow: UowDep, limit: Limit = 50, cursor: Cursor = None) -> Page[SiteRead]:
    """The supplier's sites, oldest first, a page at a time."""
    rows = sites.list_sites(supplier_id=supplier_id, after=after_keyset(cursor), limit=limit + 1, uow=uow)
    return page_of(rows, limit, key=lambda s: Keyset(s.created_at, s.id), item=SiteRead.of)


@router.get("/{site_id}")
def get_site(supplier_id: UUID, site_id: UUID, uow: UowDep, response: Response) -> SiteRead:
    """One site of this supplier (another supplier's site is not found). Sends its `ETag`."""
    site = sites.get_site(supplier_id=supplier_id, site_id=site_id, uow=uow)
    response.headers["ETag"] = etag(site.version)
    return SiteRead.of(site)


@router.patch("/{site_id}")
def update_site(
    supplier_id: UUID,
    site_id: UUID,
    patch: Annotated[
        dict[str, Any], Body(examples=[{"coordinates": {"latitude": 26.0, "longitude": 119.4}}])
    ],
    uow: UowDep,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> SiteRead:
    """Change a site: a JSON merge patch (RFC 7396) of name, address, coordinates, industry_code.

    `If-Match` with the site's ETag is required (428 without it, 412 when stale). Publishes
    greenchain.supplier.updated.v1 with changed_fields ["sites"] when something changed.
    """
    versions = expected_versions(if_match, "site")
    try:
        site = sites.update_site(
            supplier_id=supplier_id, site_id=site_id, patch=patch, expected_versions=versions, uow=uow
        )
    except ValidationError as error:
        raise invalid_patch(error) from error
    response.headers["ETag"] = etag(site.version)
    return SiteRead.of(site)
