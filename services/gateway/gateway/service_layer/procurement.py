"""Procurement checks: gather the evidence, evaluate the buyer's policy, store the result for audit."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Connection, Engine, Row, select

from gateway.adapters.tables.buyers import buyer_policies, procurement_checks
from gateway.adapters.upstream import ScoringClient, SupplierClient
from gateway.domain.compliance import active_footprint, credential_facts, latest, scorecard_facts
from gateway.domain.policies import PolicyRules
from gateway.domain.procurement import Evidence, FootprintFacts, Lane, ProductLine, evaluate
from gateway.service_layer.access import Principal, ensure_supplier_readable
from gateway.service_layer.policies import latest_policy
from gateway.service_layer.supply_base import bad_cursor, decode_cursor, encode_cursor, require_buyer
from shared.problems import Problem


@dataclass(frozen=True)
class CheckRecord:
    id: UUID
    supplier_id: UUID
    policy_name: str
    policy_version: int
    decision: str
    reasons: list[dict[str, Any]]
    evidence: dict[str, Any]
    request: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class Purchase:
    supplier_id: UUID
    policy: str
    products: list[ProductLine]
    lanes: list[Lane]
    document: dict[str, Any]  # the request as sent, kept for the audit trail


def _gather(
    purchase: Purchase, rules: PolicyRules, *, today: date, suppliers: SupplierClient, scoring: ScoringClient
) -> Evidence:
    """Only what the policy's clauses need is fetched (a policy without footprint limits asks for none)."""
    card = None
    if rules.min_band or rules.min_grade:
        found = latest(scoring.supplier_scorecards(purchase.supplier_id))
        card = None if found is None else scorecard_facts(found)
    credentials: tuple = ()
    if rules.required_credentials or rules.credential_expiry_warning_days is not None:
        credentials = tuple(credential_facts(c) for c in suppliers.credentials(purchase.supplier_id))
    footprints: dict[str, FootprintFacts] = {}
    for product in purchase.products:
        if rules.footprint_limit(product.category) and product.product_id not in footprints:
            docs = suppliers.footprints(purchase.supplier_id, product_id=product.product_id)
            if (facts := active_footprint(docs)) is not None:
                footprints[product.product_id] = facts
    return Evidence(today=today, scorecard=card, credentials=credentials, footprints=footprints)


def _evidence_document(evidence: Evidence) -> dict[str, Any]:
    return {
        "as_of": evidence.today.isoformat(),
        "scorecard": None if evidence.scorecard is None else _json(asdict(evidence.scorecard)),
        "credentials": [_json(asdict(c)) for c in evidence.credentials],
        "footprints": {pid: _json(asdict(f)) for pid, f in evidence.footprints.items()},
    }


def _json(values: dict[str, Any]) -> dict[str, Any]:
    """Decimals and dates as strings (audited figures are never floats on the wire)."""
    return {
        k: (list(v) if isinstance(v, tuple) else v if v is None or isinstance(v, str | int) else str(v))
        for k, v in values.items()
    }


def run_check(
    *,
    principal: Principal,
    purchase: Purchase,
    today: date,
    suppliers: SupplierClient,
    scoring: ScoringClient,
    conn: Connection,
) -> CheckRecord:
    """Evaluate ``purchase`` against the named policy's latest version and store the check on ``conn``."""
    require_buyer(principal)
    ensure_supplier_readable(conn, principal, purchase.supplier_id)
    policy = latest_policy(conn, buyer_id=principal.organisation_id, name=purchase.policy)
    if policy is None:
        detail = f"You have no policy named {purchase.policy!r}; create it with PUT /v1/policies/{{name}}."
        raise Problem(422, "Unknown policy", detail, errors=[{"pointer": "#/policy", "detail": detail}])
    evidence = _gather(purchase, policy.rules, today=today, suppliers=suppliers, scoring=scoring)
    result = evaluate(policy.rules, products=purchase.products, lanes=purchase.lanes, evidence=evidence)
    row = conn.execute(
        procurement_checks.insert()
        .values(
            id=uuid4(),
            buyer_id=principal.organisation_id,
            supplier_id=purchase.supplier_id,
            request=purchase.document,
            decision=result.decision,
            reasons=[asdict(reason) for reason in result.reasons],
            policy_id=policy.id,
            policy_version=policy.version,
            evidence=_evidence_document(evidence),
        )
        .returning(procurement_checks)
    ).one()
    return _record(row, policy.name)


def _record(row: Row[Any], policy_name: str) -> CheckRecord:
    return CheckRecord(
        row.id,
        row.supplier_id,
        policy_name,
        row.policy_version,
        row.decision,
        row.reasons,
        row.evidence,
        row.request,
        row.created_at,
    )


def _checks_query(buyer_id: UUID) -> Any:
    return (
        select(procurement_checks, buyer_policies.c.name.label("policy_name"))
        .join(buyer_policies, buyer_policies.c.id == procurement_checks.c.policy_id)
        .where(procurement_checks.c.buyer_id == buyer_id)
    )


def get_check(*, principal: Principal, check_id: UUID, engine: Engine) -> CheckRecord:
    """A stored check of the caller's organisation; 404 otherwise."""
    require_buyer(principal)
    query = _checks_query(principal.organisation_id).where(procurement_checks.c.id == check_id)
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise Problem(404, "Check not found", f"No procurement check with id {check_id}.")
    return _record(row, row.policy_name)


def list_checks(
    *,
    principal: Principal,
    supplier_id: UUID | None,
    decision: str | None,
    limit: int,
    cursor: str | None,
    engine: Engine,
) -> tuple[list[CheckRecord], str | None]:
    """Newest first; the cursor holds the last (created_at, id) seen."""
    require_buyer(principal)
    table = procurement_checks
    query = _checks_query(principal.organisation_id)
    if supplier_id is not None:
        query = query.where(table.c.supplier_id == supplier_id)
    if decision is not None:
        query = query.where(table.c.decision == decision)
    if cursor is not None:
        try:
            stamp, last_id = decode_cursor(cursor).split("|")
            after = (datetime.fromisoformat(stamp), UUID(last_id))
        except ValueError as error:
            raise bad_cursor() from error
        query = query.where(
            (table.c.created_at < after[0]) | ((table.c.created_at == after[0]) & (table.c.id < after[1]))
        )
    with engine.connect() as conn:
        rows = conn.execute(
            query.order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit + 1)
        ).all()
    records = [_record(row, row.policy_name) for row in rows[:limit]]
    last = records[-1] if len(rows) > limit else None
    return records, None if last is None else encode_cursor(f"{last.created_at.isoformat()}|{last.id}")
