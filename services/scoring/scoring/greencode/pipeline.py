"""Keeping codes and labels in step with the pipeline, inside its transaction.

After a scorecard or a grade changes, `refresh_codes` re-decides the green code of every supplier
touched; after a footprint or a footprint credential changes, `refresh_label` re-decides its label.
Both read what they need from the scoring database (the read model and the scorecards), so they
work the same from the consumer and from the yearly rescore.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert

from scoring.adapters import rankings
from scoring.adapters.tables.greencodes import label_footprints
from scoring.adapters.tables.read_model import supplier_credentials, supplier_profiles
from scoring.adapters.tables.scorecards import scorecards
from scoring.domain.scorecard import quantise
from scoring.greencode.labels import Benchmarks, FootprintFacts
from scoring.greencode.service import (
    CodeSubject,
    Identity,
    Issuer,
    LabelSubject,
    refresh_carbon_label,
    refresh_green_code,
)
from scoring.greencode.statements import Position
from shared.contracts.supplier import (
    CredentialExpired,
    CredentialRejected,
    CredentialRevoked,
    CredentialSubmitted,
    CredentialVerified,
    FootprintDeprecated,
    FootprintPublished,
)
from shared.events import EventContract

CredentialEvent = (
    CredentialSubmitted | CredentialVerified | CredentialRejected | CredentialRevoked | CredentialExpired
)

LABEL_CREDENTIALS = ("product_footprint_verification", "carbon_label")
HUNDRED = Decimal(100)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class CodeKeeper:
    """What the pipeline needs to keep codes and labels current (built once per process)."""

    issuer: Issuer
    benchmarks: Benchmarks
    clock: Callable[[], datetime] = field(default=_utc_now)

    def after_scoring(
        self, conn: Connection, *, year: int, events: list[EventContract]
    ) -> list[EventContract]:
        """Codes of the suppliers whose scorecard or grade the events announce."""
        touched = {event.supplier_id for event in events}
        return refresh_codes(conn, year=year, supplier_ids=touched, issuer=self.issuer, now=self.clock())

    def after_record(self, conn: Connection, data: EventContract) -> list[EventContract]:
        """The label of a footprint whose data or evidence the supplier event changed."""
        footprint_id: UUID | None = None
        if isinstance(data, (FootprintPublished, FootprintDeprecated)):
            footprint_id = record_footprint(conn, data)
        elif isinstance(data, CredentialEvent):
            footprint_id = footprint_of(data.credential.type, data.credential.attributes)
        if footprint_id is None:
            return []
        return refresh_label(
            conn, footprint_id, issuer=self.issuer, benchmarks=self.benchmarks, now=self.clock()
        )


def refresh_codes(
    conn: Connection, *, year: int, supplier_ids: Iterable[UUID], issuer: Issuer, now: datetime
) -> list[EventContract]:
    events: list[EventContract] = []
    for supplier_id in sorted(set(supplier_ids)):
        subject = code_subject(conn, supplier_id, year)
        if subject is not None:
            events += refresh_green_code(conn, subject, issuer=issuer, now=now)
    return events


def identity(conn: Connection, supplier_id: UUID) -> Identity | None:
    profile = conn.execute(
        select(supplier_profiles).where(supplier_profiles.c.supplier_id == supplier_id)
    ).first()
    if profile is None:
        return None
    return Identity(supplier_id, profile.legal_name, profile.uscc, profile.registry_id)


def code_subject(conn: Connection, supplier_id: UUID, year: int) -> CodeSubject | None:
    """The card and who it is about in one query: both are needed, or there is nothing to decide."""
    p = supplier_profiles.c
    card = conn.execute(
        select(scorecards, p.legal_name, p.uscc, p.registry_id)
        .join(supplier_profiles, p.supplier_id == scorecards.c.supplier_id)
        .where(scorecards.c.supplier_id == supplier_id, scorecards.c.year == year)
    ).first()
    if card is None:
        return None
    overall = industry = None
    if card.ranked and card.total is not None and (card.grade or card.industry_grade) is not None:
        places = rankings.placements(conn, year, card.industry, card.total)
        overall, industry = _placed(card.grade, places[0]), _placed(card.industry_grade, places[1])
    return CodeSubject(
        identity=Identity(supplier_id, card.legal_name, card.uscc, card.registry_id),
        year=year,
        industry_code=card.industry,
        model_version=card.model_version,
        score=card.total,
        band=card.band,
        rated=card.rated,
        failed_gates=tuple(card.failed_gates),
        overall=overall,
        industry=industry,
    )


def _placed(grade: str | None, placement: tuple[int, int, int]) -> Position | None:
    if grade is None:
        return None
    rank, lower, size = placement
    return Position(grade=grade, percentile=quantise(HUNDRED * lower / size), rank=rank, population=size)


# --- carbon labels --------------------------------------------------------------------------------------


def record_footprint(conn: Connection, data: FootprintPublished | FootprintDeprecated) -> UUID:
    """Keep what a label states about the footprint; returns the footprint id."""
    if isinstance(data, FootprintDeprecated):
        conn.execute(
            label_footprints.update()
            .where(label_footprints.c.footprint_id == data.footprint_id)
            .values(active=False, superseded_by=data.superseded_by)
        )
        return data.footprint_id
    document = data.footprint
    values = {
        "supplier_id": data.supplier_id,
        "product_ids": list(data.product_ids),
        "classifications": list(document.get("productClassifications") or []),
        "declared_unit": data.declared_unit,
        "value_kgco2e": data.pcf_excluding_biogenic_kgco2e,
        # The reference period's last instant names the year (PACT periods end exclusively).
        "year": (data.reference_period_end - timedelta(seconds=1)).year,
        "active": document.get("status", "Active") == "Active",
    }
    statement = insert(label_footprints).values(footprint_id=data.footprint_id, **values)
    conn.execute(statement.on_conflict_do_nothing(index_elements=["footprint_id"]))
    return data.footprint_id


def footprint_of(credential_type: str, attributes: dict[str, str]) -> UUID | None:
    """The footprint a footprint-verification or carbon-label credential is about, if any."""
    if credential_type not in LABEL_CREDENTIALS or not attributes.get("footprint_id"):
        return None
    return UUID(attributes["footprint_id"])


def refresh_label(
    conn: Connection, footprint_id: UUID, *, issuer: Issuer, benchmarks: Benchmarks, now: datetime
) -> list[EventContract]:
    footprint = conn.execute(
        select(label_footprints).where(label_footprints.c.footprint_id == footprint_id)
    ).first()
    if footprint is None:
        return []  # the credential arrived before the footprint: the footprint's event will decide
    who = identity(conn, footprint.supplier_id)
    if who is None:
        return []
    verified, offsets = _evidence(conn, footprint.supplier_id, footprint_id, now)
    subject = LabelSubject(
        identity=who,
        footprint_id=footprint_id,
        product_ids=tuple(footprint.product_ids),
        year=footprint.year,
        boundary="cradle-to-gate",  # PACT footprints are cradle-to-gate by definition
        facts=FootprintFacts(
            footprint.value_kgco2e,
            footprint.declared_unit,
            tuple(footprint.classifications),
            verified,
            offsets,
        ),
        active=footprint.active,
        superseded_by=footprint.superseded_by,
    )
    return refresh_carbon_label(conn, subject, issuer=issuer, benchmarks=benchmarks, now=now)


def _evidence(conn: Connection, supplier_id: UUID, footprint_id: UUID, now: datetime) -> tuple[bool, bool]:
    """(verified, offsets evidenced): from verified, unexpired credentials naming the footprint."""
    rows = conn.execute(
        select(
            supplier_credentials.c.type, supplier_credentials.c.attributes, supplier_credentials.c.expires_on
        ).where(
            supplier_credentials.c.supplier_id == supplier_id,
            supplier_credentials.c.state == "verified",
            supplier_credentials.c.type.in_(LABEL_CREDENTIALS),
        )
    ).all()
    today = now.astimezone(UTC).date()
    about = [
        row
        for row in rows
        if row.attributes.get("footprint_id") == str(footprint_id)
        and (row.expires_on is None or row.expires_on >= today)
    ]
    offsets = any(
        row.type == "carbon_label" and row.attributes.get("label_type") == "carbon_neutral" for row in about
    )
    return bool(about), offsets
