"""Buyer policies, versioned: a PUT that changes the rules adds a version; checks cite the version."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Request, Response

from gateway.api.rate_limit import rate_limited
from gateway.api.schemas import PolicyRead
from gateway.api.security import Principal, authorise
from gateway.domain.policies import PolicyRules
from gateway.service_layer import policies as service
from shared.problems import Problem

router = APIRouter(prefix="/v1/policies", tags=["policies"], dependencies=[Depends(rate_limited)])
Writer = Annotated[Principal, Depends(authorise("policies:write"))]
Reader = Annotated[Principal, Depends(authorise("compliance:read"))]
Name = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,99}$", examples=["default"])]
MAX_VERSION = 2**31 - 1  # versions are PostgreSQL integers


def _read(policy: service.PolicyVersion) -> PolicyRead:
    return PolicyRead(
        name=policy.name, version=policy.version, rules=policy.rules, created_at=policy.created_at
    )


def _etag(policy: service.PolicyVersion) -> str:
    return f'"{policy.version}"'


def _if_match(value: str | None) -> int | None:
    if value is None:
        return None
    version = value.strip().removeprefix("W/").strip('"')
    if not (version.isascii() and version.isdigit()):  # str.isdigit alone admits "²", which int() refuses
        detail = 'If-Match must be an ETag of this policy, e.g. "3".'
        raise Problem(
            400, "Invalid If-Match", detail, errors=[{"pointer": "#/header/If-Match", "detail": detail}]
        )
    return int(version)


@router.put("/{name}", responses={201: {"model": PolicyRead}, 412: {"description": "If-Match is stale"}})
def put_policy(
    name: Name,
    rules: PolicyRules,
    principal: Writer,
    request: Request,
    response: Response,
    if_match: Annotated[str | None, Header(description="ETag of the version you changed")] = None,
) -> PolicyRead:
    """Set the policy's rules: a new version (201) when they differ from the latest, the latest
    unchanged (200) otherwise. With `If-Match`, a stale version answers 412."""
    policy, added = service.put_policy(
        principal=principal,
        name=name,
        rules=rules,
        if_match=_if_match(if_match),
        engine=request.app.state.engine,
    )
    response.status_code = 201 if added else 200
    response.headers["ETag"] = _etag(policy)
    response.headers["Location"] = f"/v1/policies/{name}/versions/{policy.version}"
    return _read(policy)


@router.get("")
def list_policies(principal: Reader, request: Request) -> list[PolicyRead]:
    """The latest version of each of your policies."""
    return [_read(p) for p in service.list_policies(principal=principal, engine=request.app.state.engine)]


@router.get("/{name}")
def get_policy(name: Name, principal: Reader, request: Request, response: Response) -> PolicyRead:
    """The latest version of a policy, with its version as the ETag."""
    policy = service.get_policy(principal=principal, name=name, version=None, engine=request.app.state.engine)
    response.headers["ETag"] = _etag(policy)
    return _read(policy)


@router.get("/{name}/versions/{version}")
def get_policy_version(
    name: Name, version: Annotated[int, Path(ge=1, le=MAX_VERSION)], principal: Reader, request: Request
) -> PolicyRead:
    """One version of a policy, as a past check used it."""
    policy = service.get_policy(
        principal=principal, name=name, version=version, engine=request.app.state.engine
    )
    return _read(policy)
