"""Organisations, their API clients and client secrets: creation, rotation, authentication."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import Connection, Engine, select, update

from gateway.adapters.tables.tenants import api_clients, client_secrets, organisations
from gateway.service_layer.access import KIND_SCOPES, SCOPES, Principal
from gateway.service_layer.tokens import Claims, dummy_hash, generate_secret, hash_secret, secret_matches

PLATFORM_NAME = "greenchain platform"
REVIEWER_SCOPES = ("reviews:write", "compliance:read")


class TenantError(Exception):
    """A request the admin tools refuse (bad kind, scope or reference); the message says why."""


class InvalidClient(Exception):
    """Unknown client, wrong or expired secret, or a disabled client (RFC 6749 `invalid_client`)."""


class ClientNotFound(Exception):
    def __init__(self, client_id: object) -> None:
        super().__init__(f"No client with id {client_id}.")


@dataclass(frozen=True)
class Organisation:
    id: UUID
    name: str
    kind: str
    supplier_id: UUID | None
    created_at: datetime


@dataclass(frozen=True)
class NewSecret:
    """A client's secret, in clear this once; only its hash is stored."""

    client_id: UUID
    organisation_id: UUID
    name: str
    scopes: list[str]
    secret: str


def create_organisation(*, name: str, kind: str, supplier_id: UUID | None, engine: Engine) -> Organisation:
    """A buyer, a supplier organisation (bound to its supplier record) or the platform operator."""
    if kind not in KIND_SCOPES:
        raise TenantError(f"kind must be one of {', '.join(KIND_SCOPES)}, not {kind!r}")
    if (kind == "supplier") != (supplier_id is not None):
        raise TenantError("a supplier organisation needs --supplier-id; other kinds take none")
    with engine.begin() as conn:
        taken = select(organisations.c.id).where(organisations.c.supplier_id == supplier_id)
        if supplier_id is not None and conn.execute(taken).first():
            raise TenantError(f"supplier {supplier_id} already has an organisation")
        row = conn.execute(
            organisations.insert()
            .values(id=uuid.uuid4(), name=name, kind=kind, supplier_id=supplier_id)
            .returning(organisations)
        ).one()
    return Organisation(row.id, row.name, row.kind, row.supplier_id, row.created_at)


def list_organisations(*, engine: Engine) -> list[Organisation]:
    with engine.connect() as conn:
        rows = conn.execute(select(organisations).order_by(organisations.c.created_at)).all()
    return [Organisation(r.id, r.name, r.kind, r.supplier_id, r.created_at) for r in rows]


def create_client(*, organisation_id: UUID, name: str, scopes: list[str], engine: Engine) -> NewSecret:
    """A client of the organisation with scopes its kind allows; its secret is returned this once."""
    with engine.begin() as conn:
        kind = conn.execute(
            select(organisations.c.kind).where(organisations.c.id == organisation_id)
        ).scalar_one_or_none()
        if kind is None:
            raise TenantError(f"no organisation with id {organisation_id}")
        _check_scopes(kind, scopes)
        client_id = uuid.uuid4()
        granted = sorted(set(scopes))
        conn.execute(
            api_clients.insert().values(
                id=client_id, organisation_id=organisation_id, name=name, scopes=granted
            )
        )
        secret = _add_secret(conn, client_id)
    return NewSecret(client_id, organisation_id, name, granted, secret)


def _check_scopes(kind: str, scopes: list[str]) -> None:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise TenantError(f"scopes must be a non-empty subset of {', '.join(SCOPES)}; unknown: {unknown}")
    refused = sorted(set(scopes) - KIND_SCOPES[kind])
    if refused:
        raise TenantError(f"a {kind} organisation's client may not hold {', '.join(refused)}")


def _add_secret(conn: Connection, client_id: UUID) -> str:
    secret = generate_secret()
    conn.execute(
        client_secrets.insert().values(id=uuid.uuid4(), client_id=client_id, secret_hash=hash_secret(secret))
    )
    return secret


def create_reviewer(*, name: str, engine: Engine) -> NewSecret:
    """A reviewer: a client of the platform organisation (created if there is none) that reviews."""
    with engine.connect() as conn:
        platform_id = conn.execute(
            select(organisations.c.id)
            .where(organisations.c.kind == "platform")
            .order_by(organisations.c.created_at)
            .limit(1)
        ).scalar_one_or_none()
    if platform_id is None:
        platform_id = create_organisation(
            name=PLATFORM_NAME, kind="platform", supplier_id=None, engine=engine
        ).id
    return create_client(organisation_id=platform_id, name=name, scopes=list(REVIEWER_SCOPES), engine=engine)


def rotate_secret(
    *, client_id: UUID, overlap_s: int, actor: Principal | None, engine: Engine, now: datetime | None = None
) -> NewSecret:
    """A new secret; the current ones keep working for `overlap_s` more seconds, then are refused.

    `actor` is the API caller (None for the admin CLI): the platform rotates any client, another
    organisation only its own, and a foreign client id answers ClientNotFound.
    """
    now = now or datetime.now(UTC)
    with engine.begin() as conn:
        row = conn.execute(select(api_clients).where(api_clients.c.id == client_id).with_for_update()).first()
        if row is None or (
            actor is not None and actor.kind != "platform" and row.organisation_id != actor.organisation_id
        ):
            raise ClientNotFound(client_id)
        conn.execute(
            update(client_secrets)
            .where(client_secrets.c.client_id == client_id, client_secrets.c.expires_at.is_(None))
            .values(expires_at=now + timedelta(seconds=overlap_s))
        )
        secret = _add_secret(conn, client_id)
    return NewSecret(row.id, row.organisation_id, row.name, list(row.scopes), secret)


def disable_client(*, client_id: UUID, engine: Engine) -> None:
    """Refuse the client's token requests and, at once, the tokens it already holds."""
    with engine.begin() as conn:
        result = conn.execute(update(api_clients).where(api_clients.c.id == client_id).values(disabled=True))
    if result.rowcount == 0:
        raise ClientNotFound(client_id)


def authenticate_client(
    *, client_id: str, secret: str, engine: Engine, now: datetime | None = None
) -> Claims:
    """The client's identity and granted scopes if `secret` is one of its live secrets; else InvalidClient."""
    now = now or datetime.now(UTC)
    try:
        parsed_id = UUID(client_id)
    except ValueError:
        parsed_id = None
    with engine.connect() as conn:
        client = conn.execute(
            select(api_clients, organisations.c.kind, organisations.c.supplier_id)
            .join(organisations, organisations.c.id == api_clients.c.organisation_id)
            .where(api_clients.c.id == parsed_id)
        ).first()
        hashes = conn.execute(
            select(client_secrets.c.secret_hash).where(
                client_secrets.c.client_id == parsed_id,
                (client_secrets.c.expires_at.is_(None)) | (client_secrets.c.expires_at > now),
            )
        ).scalars()
        live = list(hashes) or [dummy_hash()]
    matched = [secret_matches(secret, h) for h in live]  # every hash, no early exit: no timing hint
    if client is None or client.disabled or not any(matched):
        raise InvalidClient("client authentication failed")
    return Claims(
        client.id, client.organisation_id, client.kind, client.supplier_id, frozenset(client.scopes)
    )


def client_enabled(*, client_id: UUID, engine: Engine) -> bool:
    """Checked on every request, so disabling a client cuts off its live tokens at once."""
    with engine.connect() as conn:
        disabled = conn.execute(
            select(api_clients.c.disabled).where(api_clients.c.id == client_id)
        ).scalar_one_or_none()
    return disabled is False
