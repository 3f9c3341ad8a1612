"""Issue, supersede and revoke green codes and carbon labels inside the scoring transaction.

Called by the pipeline in the same transaction that changes a scorecard or a footprint, so a code
never disagrees with the standing it states; the events go out through the outbox with that change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, select, update

from scoring.adapters.tables.greencodes import issued_codes
from scoring.config import Settings
from scoring.greencode.issuing import Action, CurrentCode, Standing, decide
from scoring.greencode.keys import KeyDirectory
from scoring.greencode.labels import Benchmarks, FootprintFacts, LabelDecision, label_for
from scoring.greencode.render import verification_url
from scoring.greencode.statements import CarbonLabelStatement, GreenCodeStatement, Position, Statement
from scoring.greencode.tokens import sign
from shared.contracts.greencode import (
    CarbonLabelIssued,
    CarbonLabelSuperseded,
    GreenCodeIssued,
    GreenCodeRevoked,
    GreenCodeSuperseded,
)
from shared.events import EventContract

LABEL_VALIDITY = timedelta(days=365)


@dataclass(frozen=True)
class Issuer:
    """What signing needs, built once at start-up from the settings."""

    keys: KeyDirectory
    public_base_url: str

    def sign(self, statement: Statement, now: datetime) -> tuple[str, str]:
        key = self.keys.load().signing_key(now)  # re-read: a rotation takes effect without a restart
        return sign(statement, key), key.kid


def make_issuer(settings: Settings) -> Issuer:
    """The issuer of this installation; creates the first signing key on a new installation."""
    keys = KeyDirectory(settings.greencode_keys_dir)
    keys.ensure()
    return Issuer(keys=keys, public_base_url=str(settings.public_base_url))


@dataclass(frozen=True)
class Identity:
    supplier_id: uuid.UUID
    legal_name: str
    uscc: str | None
    registry_id: str | None


@dataclass(frozen=True)
class CodeSubject:
    """A supplier-year's standing, as the pipeline computed it."""

    identity: Identity
    year: int
    industry_code: str
    model_version: str
    score: Decimal | None
    band: str
    rated: bool
    failed_gates: tuple[str, ...]
    overall: Position | None
    industry: Position | None


def code_valid_until(year: int) -> datetime:
    """The end of the next annual cycle: a code for 2026 stands until the 2027 cycle ends."""
    return datetime(year + 2, 1, 1, tzinfo=UTC)


def refresh_green_code(
    conn: Connection, subject: CodeSubject, *, issuer: Issuer, now: datetime
) -> list[EventContract]:
    """Bring the supplier-year's code in line with its standing; returns the events to publish."""
    current = _current(conn, "greencode", subject.identity.supplier_id, subject.year, None)
    standing = Standing(
        rated=subject.rated,
        band=subject.band,
        grade=subject.overall.grade if subject.overall else None,
        industry_grade=subject.industry.grade if subject.industry else None,
        failed_gates=subject.failed_gates,
    )
    decision = decide(_as_current(current), standing)
    if decision.action in (Action.KEEP, Action.NONE):
        return []
    assert current is not None or decision.action is Action.ISSUE
    if decision.action is Action.REVOKE:
        _close(conn, current, "revoked", decision.reason, now)
        return [GreenCodeRevoked(**_ids(current), reason=decision.reason)]
    code_id = uuid.uuid4()
    if current is None:
        return [_issue_code(conn, subject, issuer, now, code_id=code_id, supersedes=None)]
    # Close the old code first: at most one is current per supplier-year (a unique index holds it).
    _close(conn, current, "superseded", decision.reason, now, superseded_by=code_id)
    return [
        GreenCodeSuperseded(**_ids(current), superseded_by=code_id, reason=decision.reason),
        _issue_code(conn, subject, issuer, now, code_id=code_id, supersedes=current.id),
    ]


def _issue_code(
    conn: Connection,
    subject: CodeSubject,
    issuer: Issuer,
    now: datetime,
    *,
    code_id: uuid.UUID,
    supersedes: uuid.UUID | None,
) -> GreenCodeIssued:
    assert subject.overall is not None
    assert subject.industry is not None
    assert subject.score is not None
    identity = subject.identity
    statement = GreenCodeStatement(
        jti=code_id,
        iat=int(now.timestamp()),
        exp=int(code_valid_until(subject.year).timestamp()),
        supplier_id=identity.supplier_id,
        uscc=identity.uscc,
        registry_id=identity.registry_id,
        legal_name=identity.legal_name,
        year=subject.year,
        overall=subject.overall,
        industry=subject.industry,
        industry_code=subject.industry_code,
        band=subject.band,
        score=subject.score,
        model_version=subject.model_version,
    )
    token, kid = issuer.sign(statement, now)
    _insert(conn, statement, token, kid, now, footprint_id=None)
    return GreenCodeIssued(
        supplier_id=identity.supplier_id,
        code_id=statement.jti,
        year=subject.year,
        grade=subject.overall.grade,
        industry_grade=subject.industry.grade,
        band=subject.band,
        kid=kid,
        verification_url=verification_url(issuer.public_base_url, token),
        supersedes=supersedes,
    )


@dataclass(frozen=True)
class LabelSubject:
    """A footprint as the read model knows it, after the change that triggered the refresh."""

    identity: Identity
    footprint_id: uuid.UUID
    product_ids: tuple[str, ...]
    year: int
    boundary: str
    facts: FootprintFacts
    active: bool
    superseded_by: uuid.UUID | None = None


def refresh_carbon_label(
    conn: Connection, subject: LabelSubject, *, issuer: Issuer, benchmarks: Benchmarks, now: datetime
) -> list[EventContract]:
    """Issue, replace or supersede the footprint's label; returns the events to publish."""
    identity = subject.identity
    current = _current(conn, "carbonlabel", identity.supplier_id, None, subject.footprint_id)
    decision = label_for(subject.facts, benchmarks) if subject.active else None
    if current is not None and decision is not None and _same_label(current, subject, decision):
        return []
    events: list[EventContract] = []
    if current is not None:
        reason = "footprint deprecated" if not subject.active else "label changed"
        if decision is None and subject.active:
            reason = "footprint no longer verified"
        _close(conn, current, "superseded", reason, now, superseded_by=None)
        events.append(
            CarbonLabelSuperseded(
                **_ids(current),
                footprint_id=subject.footprint_id,
                superseded_by=subject.superseded_by,
                reason=reason,
            )
        )
    if decision is not None:
        events.append(_issue_label(conn, subject, decision, issuer, now))
    return events


def _issue_label(
    conn: Connection, subject: LabelSubject, decision: LabelDecision, issuer: Issuer, now: datetime
) -> CarbonLabelIssued:
    identity = subject.identity
    statement = CarbonLabelStatement(
        jti=uuid.uuid4(),
        iat=int(now.timestamp()),
        exp=int((now + LABEL_VALIDITY).timestamp()),
        supplier_id=identity.supplier_id,
        uscc=identity.uscc,
        registry_id=identity.registry_id,
        legal_name=identity.legal_name,
        year=subject.year,
        footprint_id=subject.footprint_id,
        product_ids=subject.product_ids,
        label_type=decision.label_type,
        value_kgco2e=subject.facts.value_kgco2e,
        declared_unit=subject.facts.declared_unit,
        boundary=subject.boundary,
        reduction_pct=decision.reduction_pct,
        benchmark_kgco2e=decision.benchmark.kgco2e if decision.benchmark else None,
        benchmark_version=decision.benchmark_version,
    )
    token, kid = issuer.sign(statement, now)
    _insert(conn, statement, token, kid, now, footprint_id=subject.footprint_id)
    return CarbonLabelIssued(
        supplier_id=identity.supplier_id,
        code_id=statement.jti,
        year=subject.year,
        footprint_id=subject.footprint_id,
        label_type=decision.label_type,
        kid=kid,
        verification_url=verification_url(issuer.public_base_url, token),
    )


def _same_label(current: Row[Any], subject: LabelSubject, decision: LabelDecision) -> bool:
    stated = current.statement
    return (
        stated["label_type"] == decision.label_type
        and Decimal(stated["value_kgco2e"]) == subject.facts.value_kgco2e
        and stated["declared_unit"] == subject.facts.declared_unit
    )


def _current(
    conn: Connection, kind: str, supplier_id: uuid.UUID, year: int | None, footprint_id: uuid.UUID | None
) -> Row[Any] | None:
    query = select(issued_codes).where(
        issued_codes.c.kind == kind,
        issued_codes.c.supplier_id == supplier_id,
        issued_codes.c.status == "current",
    )
    if year is not None:
        query = query.where(issued_codes.c.year == year)
    if footprint_id is not None:
        query = query.where(issued_codes.c.footprint_id == footprint_id)
    return conn.execute(query.with_for_update()).first()


def _as_current(row: Row[Any] | None) -> CurrentCode | None:
    if row is None:
        return None
    stated = row.statement
    return CurrentCode(
        band=stated["band"], grade=stated["overall"]["grade"], industry_grade=stated["industry"]["grade"]
    )


def _ids(row: Row[Any] | None) -> dict[str, Any]:
    assert row is not None
    return {"supplier_id": row.supplier_id, "code_id": row.id, "year": row.year}


def _insert(
    conn: Connection,
    statement: Statement,
    token: str,
    kid: str,
    now: datetime,
    *,
    footprint_id: uuid.UUID | None,
) -> None:
    conn.execute(
        issued_codes.insert().values(
            id=statement.jti,
            kind=statement.typ,
            supplier_id=statement.supplier_id,
            year=statement.year,
            footprint_id=footprint_id,
            status="current",
            token=token,
            kid=kid,
            statement=statement.model_dump(mode="json"),
            issued_at=statement.issued_at,
            valid_until=statement.valid_until,
            changed_at=now,
        )
    )


def _close(
    conn: Connection,
    row: Row[Any] | None,
    status: str,
    reason: str,
    now: datetime,
    *,
    superseded_by: uuid.UUID | None = None,
) -> None:
    assert row is not None
    conn.execute(
        update(issued_codes)
        .where(issued_codes.c.id == row.id)
        .values(status=status, reason=reason, superseded_by=superseded_by, changed_at=now)
    )
