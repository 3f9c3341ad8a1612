"""QR codes (SVG, PNG) for a verification URL, and printable SVG badges and labels around them."""

from __future__ import annotations

import io
from urllib.parse import quote
from xml.sax.saxutils import escape

import segno

from scoring.greencode.statements import CarbonLabelStatement, GreenCodeStatement

# Medium error correction survives a scuffed print while keeping a ~900-character URL scannable.
QR_ERROR = "m"


def verification_url(base_url: str, token: str) -> str:
    """The public page that verifies ``token``; the token travels in the URL so scanning needs no lookup."""
    return f"{base_url.rstrip('/')}/v1/verify?token={quote(token, safe='')}"


def qr_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(buffer, kind="svg", scale=4, border=4, xmldecl=False)
    return buffer.getvalue().decode()


def qr_png(url: str, *, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error=QR_ERROR, micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def _embedded_qr(url: str, *, x: int, y: int, size: int) -> str:
    """The QR as a nested <svg> scaled into a square at (x, y)."""
    qr = segno.make(url, error=QR_ERROR, micro=False)
    width = qr.symbol_size(scale=1, border=4)[0]
    path = _qr_path(qr)
    return (
        f'<svg x="{x}" y="{y}" width="{size}" height="{size}" viewBox="0 0 {width} {width}">'
        f'<rect width="{width}" height="{width}" fill="#fff"/>{path}</svg>'
    )


def _qr_path(qr: segno.QRCode) -> str:
    cells = [
        f"M{col + 4},{row + 4}h1v1h-1z"
        for row, line in enumerate(qr.matrix)
        for col, dark in enumerate(line)
        if dark
    ]
    return f'<path fill="#000" d="{"".join(cells)}"/>'


def badge_svg(statement: GreenCodeStatement, url: str) -> str:
    """A printable badge: grade, year, legal name and the QR that verifies it."""
    name = escape(statement.legal_name)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="420" viewBox="0 0 320 420">'
        '<rect width="320" height="420" rx="16" fill="#0b6e4f"/>'
        '<text x="160" y="40" fill="#fff" font-family="sans-serif" font-size="18" text-anchor="middle">'
        "Enterprise green code</text>"
        f'<text x="160" y="110" fill="#fff" font-family="sans-serif" font-size="64" font-weight="bold" '
        f'text-anchor="middle">{escape(statement.overall.grade)}</text>'
        f'<text x="160" y="140" fill="#fff" font-family="sans-serif" font-size="14" text-anchor="middle">'
        f"{statement.year} · industry {escape(statement.industry.grade)} · {escape(statement.band)}</text>"
        f'<text x="160" y="165" fill="#fff" font-family="sans-serif" font-size="12" text-anchor="middle">'
        f"{name}</text>"
        f"{_embedded_qr(url, x=60, y=185, size=200)}"
        '<text x="160" y="405" fill="#fff" font-family="sans-serif" font-size="11" text-anchor="middle">'
        "Scan to verify</text></svg>"
    )


def label_svg(statement: CarbonLabelStatement, url: str) -> str:
    """A carbon label: value, unit, declared unit, boundary and year, with the verifying QR."""
    kind = {
        "footprint": "Carbon footprint",
        "reduction": "Carbon reduction",
        "carbon_neutral": "Carbon neutral",
    }
    headline = f"{statement.value_kgco2e} kgCO2e"
    detail = f"per {escape(statement.declared_unit)} · {statement.boundary} · {statement.year}"
    reduction = f"{statement.reduction_pct}% below benchmark" if statement.reduction_pct is not None else ""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="400" viewBox="0 0 320 400">'
        '<rect width="320" height="400" rx="16" fill="#fff" stroke="#0b6e4f" stroke-width="6"/>'
        f'<text x="160" y="40" fill="#0b6e4f" font-family="sans-serif" font-size="18" text-anchor="middle">'
        f"{kind[statement.label_type]}</text>"
        f'<text x="160" y="85" fill="#000" font-family="sans-serif" font-size="32" font-weight="bold" '
        f'text-anchor="middle">{escape(headline)}</text>'
        f'<text x="160" y="110" fill="#000" font-family="sans-serif" font-size="13" text-anchor="middle">'
        f"{detail}</text>"
        f'<text x="160" y="130" fill="#000" font-family="sans-serif" font-size="12" text-anchor="middle">'
        f"{escape(reduction)}</text>"
        f"{_embedded_qr(url, x=70, y=150, size=180)}"
        '<text x="160" y="385" fill="#0b6e4f" font-family="sans-serif" font-size="11" text-anchor="middle">'
        "Scan to verify</text></svg>"
    )
