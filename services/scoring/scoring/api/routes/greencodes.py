"""Green codes and carbon labels: the signed token, QR and badge, the JWKS and online verification.

Internal like every scoring route; the gateway serves them publicly (verification and JWKS without
authentication, rate-limited) and to the supplier organisation that owns the code.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from scoring.adapters.tables.greencodes import issued_codes
from scoring.greencode.render import badge_svg, label_svg, qr_png, qr_svg, verification_url
from scoring.greencode.statements import CarbonLabelStatement, GreenCodeStatement
from scoring.greencode.verification import token_of, verify_online
from shared.problems import Problem

router = APIRouter(tags=["green codes"])
SVG = "image/svg+xml"


@router.get("/.well-known/jwks.json")
def jwks(request: Request) -> dict[str, Any]:
    """The public keys that verify green codes and carbon labels (retired keys are absent)."""
    return request.app.state.issuer.keys.load().jwks(datetime.now(UTC))


@router.get("/v1/verify")
def verify(
    request: Request,
    token: Annotated[str | None, Query(max_length=4000)] = None,
    code_id: UUID | None = None,
) -> dict[str, Any]:
    """Whether a code or label is genuine and current: signature, status and the signed statement."""
    engine = request.app.state.engine
    with engine.connect() as conn:
        if token is None:
            if code_id is None:
                raise Problem(400, "Nothing to verify", "Give the token or the code_id.")
            token = token_of(conn, code_id)
        return verify_online(conn, request.app.state.issuer.keys.load(), token, now=datetime.now(UTC))


def _current(request: Request, kind: str, **where: Any) -> Any:
    query = select(issued_codes).where(issued_codes.c.kind == kind, issued_codes.c.status == "current")
    for column, value in where.items():
        query = query.where(issued_codes.c[column] == value)
    with request.app.state.engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise Problem(404, "No current code", "Nothing current is issued for this subject.")
    return row


def _document(request: Request, row: Any) -> dict[str, Any]:
    return {
        "code_id": str(row.id),
        "kind": row.kind,
        "status": row.status,
        "token": row.token,
        "kid": row.kid,
        "statement": row.statement,
        "verification_url": verification_url(request.app.state.issuer.public_base_url, row.token),
    }


@router.get("/v1/greencodes/{supplier_id}/{year}")
def green_code(supplier_id: UUID, year: int, request: Request) -> dict[str, Any]:
    """The supplier's current green code for the year; 404 when none is issued (Unrated, Non-compliant)."""
    return _document(request, _current(request, "greencode", supplier_id=supplier_id, year=year))


@router.get("/v1/greencodes/{supplier_id}/{year}/{image}")
def green_code_image(supplier_id: UUID, year: int, image: str, request: Request) -> Response:
    """`badge.svg`, `qr.svg` or `qr.png` of the current green code."""
    row = _current(request, "greencode", supplier_id=supplier_id, year=year)
    url = verification_url(request.app.state.issuer.public_base_url, row.token)
    if image == "badge.svg":
        return Response(badge_svg(GreenCodeStatement.model_validate(row.statement), url), media_type=SVG)
    return _qr(image, url)


@router.get("/v1/carbon-labels/{footprint_id}")
def carbon_label(footprint_id: UUID, request: Request) -> dict[str, Any]:
    """The current carbon label of a footprint; 404 unless the footprint is verified and active."""
    return _document(request, _current(request, "carbonlabel", footprint_id=footprint_id))


@router.get("/v1/carbon-labels/{footprint_id}/{image}")
def carbon_label_image(footprint_id: UUID, image: str, request: Request) -> Response:
    """`label.svg`, `qr.svg` or `qr.png` of the current carbon label."""
    row = _current(request, "carbonlabel", footprint_id=footprint_id)
    url = verification_url(request.app.state.issuer.public_base_url, row.token)
    if image == "label.svg":
        return Response(label_svg(CarbonLabelStatement.model_validate(row.statement), url), media_type=SVG)
    return _qr(image, url)


def _qr(image: str, url: str) -> Response:
    if image == "qr.svg":
        return Response(qr_svg(url), media_type=SVG)
    if image == "qr.png":
        return Response(qr_png(url), media_type="image/png")
    raise Problem(404, "Not found", f"No image '{image}'; use badge.svg or label.svg, qr.svg, qr.png.")
