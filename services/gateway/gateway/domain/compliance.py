"""A supplier's compliance as a buyer sees it, composed from a scorecard and credentials (pure).

The upstream documents are read tolerantly (only the fields used here, several accepted spellings),
so scoring and supplier can add fields without breaking the gateway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from gateway.domain.procurement import CredentialFacts, FootprintFacts, ScorecardFacts

DEFAULT_EXPIRY_WINDOW_DAYS = 90


@dataclass(frozen=True)
class ExpiringCredential:
    credential_id: str
    type: str
    expires_on: date
    days_left: int


@dataclass(frozen=True)
class ComplianceView:
    supplier_id: str
    scorecard: ScorecardFacts | None
    gates: tuple[Mapping[str, Any], ...]
    expiring_credentials: tuple[ExpiringCredential, ...]


def _first(document: Mapping[str, Any], *paths: str) -> Any:
    """The first present value among dotted ``paths`` (``grades.overall.grade``)."""
    for path in paths:
        value: Any = document
        for part in path.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        if value is not None:
            return value
    return None


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def gates_of(card: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """Gate results as a list of {gate, passed, ...}; a mapping {G1: true} is accepted too."""
    raw = _first(card, "gates", "gate_results", "card.gates")
    if isinstance(raw, Mapping):
        return tuple(
            dict(v, gate=k) if isinstance(v, Mapping) else {"gate": k, "passed": bool(v)}
            for k, v in raw.items()
        )
    if isinstance(raw, Sequence) and not isinstance(raw, str):
        return tuple(g for g in raw if isinstance(g, Mapping))
    return ()


def scorecard_facts(card: Mapping[str, Any]) -> ScorecardFacts:
    gates = gates_of(card)
    failed = _first(card, "failed_gates") or [
        str(g.get("gate") or g.get("gate_id") or g.get("id")) for g in gates if g.get("passed") is False
    ]
    return ScorecardFacts(
        year=int(card["year"]),
        model_version=str(_first(card, "model_version", "model.version") or ""),
        band=_first(card, "band"),
        score=_decimal(_first(card, "score", "total_score", "total")),
        grade_overall=_first(card, "grade_overall", "grade", "grades.overall.grade", "overall.grade"),
        grade_industry=_first(
            card, "grade_industry", "industry_grade", "grades.industry.grade", "industry.grade"
        ),
        failed_gates=tuple(str(g) for g in failed),
    )


def latest(cards: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The newest year's scorecard (upstream may order either way)."""
    dated = [c for c in cards if isinstance(c, Mapping) and isinstance(c.get("year"), int)]
    return max(dated, key=lambda c: c["year"], default=None)


def credential_facts(document: Mapping[str, Any]) -> CredentialFacts:
    expires = _first(document, "expires_on", "expiry_date")
    return CredentialFacts(
        id=str(_first(document, "id", "credential_id")),
        type=str(document.get("type")),
        state=str(_first(document, "state", "status")),
        expires_on=date.fromisoformat(expires[:10]) if isinstance(expires, str) else None,
    )


def expiring(
    credentials: Sequence[CredentialFacts], *, today: date, window_days: int
) -> tuple[ExpiringCredential, ...]:
    """Valid credentials whose expiry falls within ``window_days`` from ``today``, soonest first."""
    found = [
        ExpiringCredential(c.id, c.type, c.expires_on, (c.expires_on - today).days)
        for c in credentials
        if c.valid_on(today) and c.expires_on is not None and (c.expires_on - today).days <= window_days
    ]
    return tuple(sorted(found, key=lambda e: (e.expires_on, e.credential_id)))


def compose(
    *,
    supplier_id: str,
    card: Mapping[str, Any] | None,
    credentials: Sequence[Mapping[str, Any]],
    today: date,
    window_days: int = DEFAULT_EXPIRY_WINDOW_DAYS,
) -> ComplianceView:
    facts = [credential_facts(c) for c in credentials]
    return ComplianceView(
        supplier_id=supplier_id,
        scorecard=None if card is None else scorecard_facts(card),
        gates=() if card is None else gates_of(card),
        expiring_credentials=expiring(facts, today=today, window_days=window_days),
    )


def footprint_facts(document: Mapping[str, Any]) -> FootprintFacts | None:
    """An active footprint's unit and value (supplier-service or PACT spelling); None otherwise."""
    status = _first(document, "status", "footprint.status")
    if status is not None and status != "Active":
        return None
    unit = _first(
        document, "declared_unit", "pcf.declaredUnitOfMeasurement", "footprint.pcf.declaredUnitOfMeasurement"
    )
    value = _decimal(
        _first(
            document,
            "pcf_excluding_biogenic_kgco2e",
            "pcf.pcfExcludingBiogenicUptake",
            "footprint.pcf.pcfExcludingBiogenicUptake",
        )
    )
    identifier = _first(document, "footprint_id", "id")
    if unit is None or value is None or identifier is None:
        return None
    return FootprintFacts(str(identifier), str(unit), value)


def active_footprint(documents: Sequence[Mapping[str, Any]]) -> FootprintFacts | None:
    """The newest active footprint among ``documents`` (all for one product)."""
    newest_first = sorted(
        documents, key=lambda d: str(_first(d, "created", "created_at") or ""), reverse=True
    )
    return next((facts for d in newest_first if (facts := footprint_facts(d)) is not None), None)
