"""Compliance lookup: scorecards (scoring service) and credentials (supplier service) per supplier.

Only suppliers the caller may read are looked up; the batch answers the others as
``not_in_supply_base`` without calling upstream, so nothing about them leaks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from gateway.adapters.tables.buyers import supply_base
from gateway.adapters.upstream import ScoringClient, SupplierClient
from gateway.domain.compliance import ComplianceView, compose, latest
from gateway.service_layer.access import Principal, ensure_supplier_readable
from gateway.service_layer.supply_base import parallel_map
from shared.problems import Problem

NOT_IN_SUPPLY_BASE = "not_in_supply_base"
FAILING_BANDS = frozenset({"Non-compliant", "Unrated"})


def lookup_supplier(
    *,
    principal: Principal,
    supplier_id: UUID,
    window_days: int,
    today: date,
    suppliers: SupplierClient,
    scoring: ScoringClient,
    engine: Engine,
) -> ComplianceView:
    """One supplier's compliance; 404 when it is outside the caller's reach."""
    with engine.connect() as conn:
        ensure_supplier_readable(conn, principal, supplier_id)
    card = _with_gates(scoring, supplier_id, latest(scoring.supplier_scorecards(supplier_id)))
    credentials = suppliers.credentials(supplier_id, state="verified")
    return compose(
        supplier_id=str(supplier_id), card=card, credentials=credentials, today=today, window_days=window_days
    )


def _with_gates(scoring: ScoringClient, supplier_id: UUID, card: Mapping[str, Any] | None) -> Any:
    """The explained scorecard of the card's year (it carries the gate results), else the card."""
    if card is None:
        return None
    return scoring.scorecard_detail(supplier_id, int(card["year"])) or card


def readable_suppliers(*, principal: Principal, supplier_ids: list[UUID], engine: Engine) -> set[UUID]:
    if principal.kind == "platform":
        return set(supplier_ids)
    readable = {principal.supplier_id} & set(supplier_ids) if principal.supplier_id else set()
    if principal.kind == "buyer":
        with engine.connect() as conn:
            held = conn.execute(
                select(supply_base.c.supplier_id).where(
                    supply_base.c.buyer_id == principal.organisation_id,
                    supply_base.c.supplier_id.in_(supplier_ids),
                )
            ).scalars()
            readable |= set(held)
    return readable


def _scorecards_by_supplier(scoring: ScoringClient, ids: list[UUID], concurrency: int) -> dict[str, list]:
    """The batch endpoint when scoring has it; one call per supplier otherwise."""
    by_supplier: dict[str, list[dict[str, Any]]] = defaultdict(list)
    try:
        cards = scoring.batch_scorecards(ids)
    except Problem as problem:
        if problem.status not in (404, 405):
            raise
        cards = [
            c
            for batch in parallel_map(scoring.supplier_scorecards, ids, concurrency=concurrency)
            for c in batch
        ]
    for card in cards:
        by_supplier[str(card.get("supplier_id"))].append(card)
    return by_supplier


def lookup_suppliers(
    *,
    principal: Principal,
    supplier_ids: list[UUID],
    window_days: int,
    today: date,
    suppliers: SupplierClient,
    scoring: ScoringClient,
    concurrency: int,
    engine: Engine,
) -> list[tuple[UUID, ComplianceView | str]]:
    """Each requested supplier (first occurrence order) with its view or ``not_in_supply_base``."""
    ordered = list(dict.fromkeys(supplier_ids))
    readable = readable_suppliers(principal=principal, supplier_ids=ordered, engine=engine)
    visible = [i for i in ordered if i in readable]
    cards = _scorecards_by_supplier(scoring, visible, concurrency) if visible else {}
    latest_cards = {i: latest(cards.get(str(i), [])) for i in visible}
    # Only a Non-compliant or Unrated year can have failed gates: fetch their explanations alone.
    failing = [i for i, c in latest_cards.items() if c is not None and c.get("band") in FAILING_BANDS]
    for supplier_id, card in zip(
        failing,
        parallel_map(lambda i: _with_gates(scoring, i, latest_cards[i]), failing, concurrency=concurrency),
        strict=True,
    ):
        latest_cards[supplier_id] = card
    credentials = parallel_map(
        lambda i: suppliers.credentials(i, state="verified"), visible, concurrency=concurrency
    )
    views = {
        supplier_id: compose(
            supplier_id=str(supplier_id),
            card=latest_cards[supplier_id],
            credentials=found,
            today=today,
            window_days=window_days,
        )
        for supplier_id, found in zip(visible, credentials, strict=True)
    }
    return [(i, views.get(i, NOT_IN_SUPPLY_BASE)) for i in ordered]
