"""Versioned buyer policies: every change is a new version; old ones stay for the checks that used them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Connection, Engine, Row, func, select, text

from gateway.adapters.tables.buyers import buyer_policies
from gateway.domain.policies import PolicyRules
from gateway.service_layer.access import Principal
from gateway.service_layer.supply_base import require_buyer
from shared.problems import Problem


@dataclass(frozen=True)
class PolicyVersion:
    id: UUID
    name: str
    version: int
    rules: PolicyRules
    created_at: datetime


def _version(row: Row[Any]) -> PolicyVersion:
    return PolicyVersion(row.id, row.name, row.version, PolicyRules.model_validate(row.rules), row.created_at)


def policy_not_found(name: str, version: int | None = None) -> Problem:
    which = f"version {version} of policy {name!r}" if version else f"policy {name!r}"
    return Problem(404, "Policy not found", f"There is no {which}.")


def latest_policy(conn: Connection, *, buyer_id: UUID, name: str) -> PolicyVersion | None:
    row = conn.execute(
        select(buyer_policies)
        .where(buyer_policies.c.buyer_id == buyer_id, buyer_policies.c.name == name)
        .order_by(buyer_policies.c.version.desc())
        .limit(1)
    ).first()
    return None if row is None else _version(row)


def put_policy(
    *, principal: Principal, name: str, rules: PolicyRules, if_match: int | None, engine: Engine
) -> tuple[PolicyVersion, bool]:
    """Store ``rules`` as the next version of ``name``; returns it and whether a version was added.

    Unchanged rules add nothing (a repeated PUT is harmless). ``if_match`` (the ETag, a version)
    guards against overwriting a change the caller has not seen: 412 when it is stale.
    """
    require_buyer(principal)
    with engine.begin() as conn:
        # Serialise writers of one policy so version numbers are gap-free and never collide.
        conn.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"policy:{principal.organisation_id}:{name}"},
        )
        current = latest_policy(conn, buyer_id=principal.organisation_id, name=name)
        current_version = current.version if current else 0
        if if_match is not None and if_match != current_version:
            detail = f"The policy is at version {current_version}, not {if_match}; read it and retry."
            raise Problem(412, "Precondition failed", detail)
        if current is not None and current.rules == rules:
            return current, False
        row = conn.execute(
            buyer_policies.insert()
            .values(
                id=uuid4(),
                buyer_id=principal.organisation_id,
                name=name,
                version=current_version + 1,
                rules=rules.model_dump(mode="json"),
                created_by=principal.client_id,
            )
            .returning(buyer_policies)
        ).one()
    return _version(row), True


def list_policies(*, principal: Principal, engine: Engine) -> list[PolicyVersion]:
    """The latest version of each of the caller's policies, by name."""
    require_buyer(principal)
    newest = (
        select(buyer_policies.c.name, func.max(buyer_policies.c.version).label("version"))
        .where(buyer_policies.c.buyer_id == principal.organisation_id)
        .group_by(buyer_policies.c.name)
        .subquery()
    )
    query = (
        select(buyer_policies)
        .join(
            newest, (newest.c.name == buyer_policies.c.name) & (newest.c.version == buyer_policies.c.version)
        )
        .where(buyer_policies.c.buyer_id == principal.organisation_id)
        .order_by(buyer_policies.c.name)
    )
    with engine.connect() as conn:
        return [_version(row) for row in conn.execute(query)]


def get_policy(*, principal: Principal, name: str, version: int | None, engine: Engine) -> PolicyVersion:
    """The latest version of a policy, or the given one; 404 for another tenant's or a missing one."""
    require_buyer(principal)
    with engine.connect() as conn:
        if version is None:
            found = latest_policy(conn, buyer_id=principal.organisation_id, name=name)
        else:
            row = conn.execute(
                select(buyer_policies).where(
                    buyer_policies.c.buyer_id == principal.organisation_id,
                    buyer_policies.c.name == name,
                    buyer_policies.c.version == version,
                )
            ).first()
            found = None if row is None else _version(row)
    if found is None:
        raise policy_not_found(name, version)
    return found
