"""Green codes and carbon labels at the public edge.

Verification and the JWKS are public (no authentication, rate-limited per client address): anyone who
scans a QR code lands on `/v1/verify`. Fetching a code, its badge or QR needs a token: the supplier
organisation for its own codes, buyers for suppliers in their supply base, the platform for all.
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from gateway.api.security import Principal, authorise
from gateway.service_layer.access import ensure_supplier_readable_on
from shared.problems import Problem

public = APIRouter(tags=["verification"])
router = APIRouter(tags=["green codes"])


@public.get("/.well-known/jwks.json")
def jwks(request: Request) -> dict[str, Any]:
    """The public keys that verify green codes and carbon labels, for offline verification."""
    return request.app.state.scoring_client.call("GET", "/.well-known/jwks.json").json()


@public.get("/v1/verify", response_model=None)
def verify(
    request: Request,
    token: Annotated[str | None, Query(max_length=4000)] = None,
    code_id: UUID | None = None,
) -> dict[str, Any] | HTMLResponse:
    """Verify a green code or carbon label by token or id: signature, status (current, superseded,
    revoked, expired) and the signed statement. Browsers get a page, machines JSON."""
    params = {"token": token} if token else {"code_id": str(code_id)} if code_id else {}
    answer = request.app.state.scoring_client.call("GET", "/v1/verify", params=params).json()
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(_page(answer))
    return answer


def _page(answer: dict[str, Any]) -> str:
    statement = answer.get("statement") or {}
    verdict = "Genuine and current" if answer.get("valid") else "Not valid"
    why = answer.get("status") or answer.get("signature")
    rows = "".join(
        f"<tr><th>{escape(str(key))}</th><td>{escape(str(value))}</td></tr>"
        for key, value in statement.items()
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width'><title>greenchain verification</title></head>"
        f"<body><h1>{escape(verdict)}</h1><p>Status: {escape(str(why))}</p>"
        f"<table>{rows}</table></body></html>"
    )


def _proxy(request: Request, path: str) -> Response:
    upstream = request.app.state.scoring_client.call("GET", path)
    media_type = upstream.headers.get("content-type", "application/json")
    if media_type.startswith("application/json"):
        return JSONResponse(upstream.json())
    return Response(upstream.content, media_type=media_type)


@router.get("/v1/suppliers/{supplier_id}/greencodes/{year}", response_model=None)
def green_code(
    supplier_id: UUID,
    year: int,
    request: Request,
    principal: Annotated[Principal, Depends(authorise("compliance:read"))],
) -> Response:
    """The supplier's current green code for a year: token, statement and verification URL."""
    ensure_supplier_readable_on(request.app.state.engine, principal, supplier_id)
    return _proxy(request, f"/v1/greencodes/{supplier_id}/{year}")


@router.get("/v1/suppliers/{supplier_id}/greencodes/{year}/{image}", response_model=None)
def green_code_image(
    supplier_id: UUID,
    year: int,
    image: str,
    request: Request,
    principal: Annotated[Principal, Depends(authorise("compliance:read"))],
) -> Response:
    """`badge.svg`, `qr.svg` or `qr.png` of the current green code."""
    ensure_supplier_readable_on(request.app.state.engine, principal, supplier_id)
    _known_image(image, "badge.svg")
    return _proxy(request, f"/v1/greencodes/{supplier_id}/{year}/{image}")


@router.get("/v1/suppliers/{supplier_id}/carbon-labels/{footprint_id}", response_model=None)
def carbon_label(
    supplier_id: UUID,
    footprint_id: UUID,
    request: Request,
    principal: Annotated[Principal, Depends(authorise("compliance:read"))],
) -> Response:
    """The current carbon label of one of the supplier's verified footprints."""
    return JSONResponse(_readable_label(request, principal, supplier_id, footprint_id))


@router.get("/v1/suppliers/{supplier_id}/carbon-labels/{footprint_id}/{image}", response_model=None)
def carbon_label_image(
    supplier_id: UUID,
    footprint_id: UUID,
    image: str,
    request: Request,
    principal: Annotated[Principal, Depends(authorise("compliance:read"))],
) -> Response:
    """`label.svg`, `qr.svg` or `qr.png` of the footprint's current carbon label."""
    _known_image(image, "label.svg")
    _readable_label(request, principal, supplier_id, footprint_id)
    return _proxy(request, f"/v1/carbon-labels/{footprint_id}/{image}")


def _known_image(image: str, document: str) -> None:
    if image not in (document, "qr.svg", "qr.png"):
        raise Problem(404, "Not found", f"No image '{image}'; use {document}, qr.svg or qr.png.")


def _readable_label(
    request: Request, principal: Principal, supplier_id: UUID, footprint_id: UUID
) -> dict[str, Any]:
    """The current label, once the caller may read the supplier and the label is that supplier's
    (ids cannot be mixed)."""
    ensure_supplier_readable_on(request.app.state.engine, principal, supplier_id)
    label = request.app.state.scoring_client.call("GET", f"/v1/carbon-labels/{footprint_id}").json()
    if label["statement"]["supplier_id"] != str(supplier_id):
        raise Problem(404, "No current code", "Nothing current is issued for this subject.")
    return label
