"""A supplier's records (sites, credentials and their documents, yearly data, imports, footprints,
shipments) at the public edge: authorised here, then forwarded unchanged to the supplier service.

The supplier service owns these resources and their validation; the gateway decides who may call:
a supplier organisation writes only its own records, buyers read those of suppliers in their supply
base, the platform's reviewers verify, reject and revoke credentials. Bodies stream both ways, so a
certificate upload or download is never held whole in memory here.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

import httpx
from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask

from gateway.adapters.upstream import SupplierProxy
from gateway.api.security import Principal, authorise
from gateway.service_layer import access

router = APIRouter(prefix="/v1/suppliers/{supplier_id}", tags=["supplier records"])
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
REQUEST_HEADERS = ("content-type", "content-length", "if-match", "if-none-match", "idempotency-key", "accept")
RESPONSE_HEADERS = (
    "content-type",
    "content-length",
    "content-encoding",
    "content-disposition",
    "etag",
    "last-modified",
    "location",
    "retry-after",
)
# Path parameters besides supplier_id and their types (validated here, so nothing odd goes upstream).
PARAMETER_TYPES: dict[str, type] = {
    "site_id": UUID,
    "credential_id": UUID,
    "footprint_id": UUID,
    "shipment_id": UUID,
    "job_id": UUID,
    "year": int,
}


@dataclass(frozen=True)
class Rule:
    """The scope a route needs and the tenant check on its supplier."""

    scope: str
    check: Callable[[Request, Principal, UUID], Awaitable[None]]


async def _readable(request: Request, principal: Principal, supplier_id: UUID) -> None:
    engine = request.app.state.engine
    await run_in_threadpool(access.ensure_supplier_readable_on, engine, principal, supplier_id)


async def _writable(request: Request, principal: Principal, supplier_id: UUID) -> None:
    access.ensure_supplier_writable(principal, supplier_id)


async def _reviewable(request: Request, principal: Principal, supplier_id: UUID) -> None:
    access.ensure_reviewer(principal, supplier_id)


READ = Rule("compliance:read", _readable)
WRITE = Rule("suppliers:write", _writable)
CREDENTIALS = Rule("credentials:write", _writable)
REVIEW = Rule("reviews:write", _reviewable)
# A verification or rejection names its reviewer: the gateway writes the caller's identity into it.
SIGNED_REVIEW = Rule("reviews:write", _reviewable)

# (method, path under /v1/suppliers/{supplier_id}, rule, OpenAPI summary)
FORWARDED: tuple[tuple[str, str, Rule, str], ...] = (
    ("PATCH", "", WRITE, "Update your supplier record (If-Match with its ETag)"),
    ("GET", "/sites", READ, "List the supplier's sites"),
    ("POST", "/sites", WRITE, "Add a site (facility) to your supplier record"),
    ("GET", "/sites/{site_id}", READ, "One site"),
    ("PATCH", "/sites/{site_id}", WRITE, "Update one of your sites (If-Match with its ETag)"),
    ("GET", "/credentials", READ, "List the supplier's credentials"),
    ("POST", "/credentials", CREDENTIALS, "Submit a credential: JSON, or multipart with a `document` part"),
    ("GET", "/credentials/{credential_id}", READ, "One credential"),
    ("GET", "/credentials/{credential_id}/document", READ, "Download a credential's document (streamed)"),
    ("POST", "/credentials/{credential_id}/document", CREDENTIALS, "Upload a credential's document"),
    ("POST", "/credentials/{credential_id}/verify", SIGNED_REVIEW, "Verify a credential (reviewers)"),
    (
        "POST",
        "/credentials/{credential_id}/reject",
        SIGNED_REVIEW,
        "Reject a credential with a reason (reviewers)",
    ),
    ("POST", "/credentials/{credential_id}/revoke", REVIEW, "Revoke a credential (reviewers)"),
    ("GET", "/performance", READ, "The supplier's yearly performance data"),
    ("GET", "/performance/{year}", READ, "One year's performance data"),
    ("PUT", "/performance/{year}", WRITE, "Report or replace one year of your performance data"),
    ("POST", "/imports", WRITE, "Bulk-import yearly data or footprints (CSV, JSON or a multipart file)"),
    ("GET", "/imports/{job_id}", WRITE, "Progress and row errors of one of your imports"),
    ("GET", "/footprints", READ, "The supplier's product carbon footprints (PACT)"),
    ("POST", "/footprints", WRITE, "Publish a product carbon footprint (PACT v3)"),
    ("GET", "/footprints/{footprint_id}", READ, "One product carbon footprint, Active or Deprecated"),
    ("POST", "/footprints/{footprint_id}/versions", WRITE, "Publish a new version (the old is deprecated)"),
    ("GET", "/shipments", READ, "The supplier's shipments and their logistics emissions"),
    ("POST", "/shipments", WRITE, "Record a shipment with its legs (ISO 14083 emissions)"),
    ("GET", "/shipments/{shipment_id}", READ, "One shipment"),
)
# Resources the supplier service serves outside a supplier's path: the gateway keeps them under the
# supplier (so the tenant check applies) and confirms the answer is that supplier's before passing it on.
UNSCOPED = {
    "/imports/{job_id}": "/v1/imports/{job_id}",
    "/footprints/{footprint_id}": "/v1/footprints/{footprint_id}",
}


async def forward(
    request: Request, proxy: SupplierProxy, upstream_path: str, *, body: bytes | None = None
) -> Response:
    """Send the request on as it came (or with ``body`` instead of its own) and pass the answer back:
    a 4xx problem unchanged, a body streamed."""
    headers = {name: value for name in REQUEST_HEADERS if (value := request.headers.get(name)) is not None}
    content: AsyncIterator[bytes] | bytes | None = None
    if body is not None:
        headers.pop("content-length", None)  # httpx sets the new body's length
        content = body
    elif request.method in BODY_METHODS:
        content = request.stream()
    upstream = await proxy.send(
        request.method,
        upstream_path,
        params=httpx.QueryParams(list(request.query_params.multi_items())),
        headers=headers,
        content=content,
    )
    passed = {name: value for name in RESPONSE_HEADERS if (value := upstream.headers.get(name)) is not None}
    supplier_id = request.path_params["supplier_id"]
    if "location" in passed:
        passed["location"] = _public_location(passed["location"], supplier_id)
    if upstream.status_code >= 400 or upstream_path != request.url.path:
        # A problem, or an unscoped resource whose owner must be checked: small JSON, read whole.
        body = await upstream.aread()
        await upstream.aclose()
        if upstream.status_code < 400 and _owner(body) != str(supplier_id):
            raise access.supplier_not_found(supplier_id)
        passed.pop("content-length", None)
        return Response(body, status_code=upstream.status_code, headers=passed)
    return StreamingResponse(
        upstream.aiter_raw(),
        status_code=upstream.status_code,
        headers=passed,
        background=BackgroundTask(upstream.aclose),
    )


def _public_location(location: str, supplier_id: UUID) -> str:
    """`/v1/imports/{id}` upstream is `/v1/suppliers/{supplier_id}/imports/{id}` here."""
    if location.startswith("/v1/") and not location.startswith("/v1/suppliers/"):
        return f"/v1/suppliers/{supplier_id}/{location.removeprefix('/v1/')}"
    return location


async def _as_reviewer(request: Request, principal: Principal) -> bytes | None:
    """A review records who made it from the token, never from what the body claims."""
    try:
        document = json.loads(await request.body())
    except ValueError:
        return None  # not JSON: the supplier service answers the 4xx
    if not isinstance(document, dict):
        return None
    document["reviewer"] = f"client:{principal.client_id}"
    return json.dumps(document).encode()


def _owner(body: bytes) -> str | None:
    try:
        document = json.loads(body)
    except ValueError:
        return None
    return str(document.get("supplier_id")) if isinstance(document, dict) else None


def _endpoint(path: str, rule: Rule, summary: str) -> Callable[..., Awaitable[Response]]:
    unscoped = UNSCOPED.get(path)

    async def endpoint(request: Request, **params: Any) -> Response:
        principal: Principal = params["principal"]
        await rule.check(request, principal, params["supplier_id"])
        upstream_path = unscoped.format(**params) if unscoped else request.url.path
        body = await _as_reviewer(request, principal) if rule is SIGNED_REVIEW else None
        return await forward(request, request.app.state.supplier_proxy, upstream_path, body=body)

    # FastAPI reads the signature: declare the typed path parameters and the scope this route needs.
    names = [segment[1:-1] for segment in path.split("/") if segment.startswith("{")]
    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        inspect.Parameter("supplier_id", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[UUID, Path()]),
        *(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[PARAMETER_TYPES[name], Path()]
            )
            for name in names
        ),
        inspect.Parameter(
            "principal",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[Principal, Depends(authorise(rule.scope))],
        ),
    ]
    endpoint.__signature__ = inspect.Signature(parameters, return_annotation=Response)  # type: ignore[attr-defined]
    endpoint.__doc__ = f"{summary}. Needs the scope `{rule.scope}`; forwarded to the supplier service."
    return endpoint


for _method, _path, _rule, _summary in FORWARDED:
    router.add_api_route(
        _path,
        _endpoint(_path, _rule, _summary),
        methods=[_method],
        summary=_summary,
        name=f"{_method.lower()}_supplier{_path.replace('/', '_').replace('{', '').replace('}', '')}",
        response_class=Response,
        responses={404: {"description": "No such supplier, or not one you may use"}},
    )
