"""Every route of the gateway, called anonymously, wrong scope, other tenant, right tenant.

The matrix is data: one MATRIX entry per (method, path) of the app. A route without an entry fails
`test_every_route_has_an_entry`, so whoever adds a route adds its line here, choosing its tenancy:

- PUBLIC: no token needed.
- caller(who): any caller of that kind holding the scope; nothing to isolate (lists, creations).
- PLATFORM: only the platform operator; anyone else holding the scope gets 403.
- SUPPLIER_READ / SUPPLIER_WRITE / REVIEW: the path's `{supplier_id}` is a supplier the right tenant
  reaches (its own supplier organisation, a buyer holding it in its supply base, a reviewer); others 404.
- owned(setup): a resource the right buyer owns, made by `setup`; another buyer gets 404. Without a
  setup (or with found=False) the right tenant may get 404 for an id that does not exist.

Upstream services are unreachable here: a right tenant passing authorisation on a forwarding route
gets 503, which is exactly what shows that the gateway let it through.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import routing
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gateway.adapters.tables.buyers import supply_base
from gateway.service_layer.access import SCOPES
from gateway.service_layer.tokens import Claims, TokenSigner
from launcher.tenants import Tenant, Tenants

SCORE_CHANGED = "greenchain.compliance.score.changed.v1"


@dataclass(frozen=True)
class World:
    """The tenants every case draws from. Buyer `b` holds supplier `s` in its supply base; `b2` holds none."""

    api: TestClient
    tenants: Tenants
    engine: Engine
    s: str
    s2: str
    roles: dict[str, tuple[Tenant, str]]  # role -> (tenant, organisation kind)

    def headers(self, role: str, scopes: frozenset[str] | None = None) -> dict[str, str]:
        """A bearer token for the role's client, with its own scopes or (minted directly) any others."""
        tenant, kind = self.roles[role]
        if scopes is None:
            return tenant.headers
        signer: TokenSigner = self.api.app.state.token_signer
        supplier_id = uuid.UUID(tenant.supplier_id) if tenant.supplier_id else None
        claims = Claims(
            uuid.UUID(tenant.client_id), uuid.UUID(tenant.organisation_id), kind, supplier_id, scopes
        )
        return {"Authorization": f"Bearer {signer.issue(claims).access_token}"}


Setup = Callable[[World], dict[str, str]]


@dataclass(frozen=True)
class Access:
    tenancy: str
    who: str = "buyer"  # the right caller for caller(...) routes
    setup: Setup | None = None
    found: bool = True  # with a setup: the right tenant must not get 404
    streams: bool = False  # an answer that never ends (SSE): the right tenant is not called
    body: dict[str, Any] | None = None  # a valid JSON body where one is needed to reach the tenant check

    @property
    def who_role(self) -> str:
        return {"buyer": "b", "supplier": "supplier", "platform": "platform"}[self.who]


PUBLIC = Access("public")
SUPPLIER = {
    "legal_name": "Matrix Co.",
    "country": "CN",
    "uscc": "91350100M000100Y43",
    "industry_code": "C3825",
}
PLATFORM = Access("platform", who="platform", body=SUPPLIER)
SUPPLIER_READ = Access("supplier_read")
SUPPLIER_WRITE = Access("supplier_write")
REVIEW = Access("review")


def caller(who: str = "buyer", *, streams: bool = False) -> Access:
    return Access("caller", who=who, streams=streams)


def owned(setup: Setup | None = None, *, found: bool = True, body: dict[str, Any] | None = None) -> Access:
    return Access("owned", setup=setup, found=found and setup is not None, body=body)


def a_subscription(world: World) -> dict[str, str]:
    body = {"url": "http://127.0.0.1:9/hook", "event_types": [SCORE_CHANGED]}
    response = world.api.post("/v1/subscriptions", json=body, headers=world.headers("b"))
    assert response.status_code == 201, response.text
    return {"subscription_id": response.json()["id"]}


def a_client_of_b(world: World) -> dict[str, str]:
    tenant, _ = world.roles["b"]
    made = world.tenants.organisation(
        "buyer", ["compliance:read"], name="b's second client", organisation_id=tenant.organisation_id
    )
    return {"client_id": made.client_id}


def a_supplier_in_bs_supply_base(world: World) -> dict[str, str]:
    supplier_id = uuid.uuid4()
    with world.engine.begin() as conn:
        conn.execute(
            supply_base.insert().values(buyer_id=world.roles["b"][0].organisation_id, supplier_id=supplier_id)
        )
    return {"supplier_id": str(supplier_id)}


MATRIX: dict[tuple[str, str], Access] = {
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("POST", "/v1/oauth/token"): PUBLIC,
    ("GET", "/.well-known/jwks.json"): PUBLIC,
    ("GET", "/v1/verify"): PUBLIC,
    ("GET", "/v1/suppliers/{supplier_id}/greencodes/{year}"): SUPPLIER_READ,
    ("GET", "/v1/suppliers/{supplier_id}/greencodes/{year}/{image}"): SUPPLIER_READ,
    ("GET", "/v1/suppliers/{supplier_id}/carbon-labels/{footprint_id}"): SUPPLIER_READ,
    ("GET", "/v1/suppliers/{supplier_id}/carbon-labels/{footprint_id}/{image}"): SUPPLIER_READ,
    ("POST", "/v1/clients/{client_id}/secret"): owned(a_client_of_b),
    ("POST", "/v1/suppliers"): PLATFORM,
    ("GET", "/v1/suppliers/{supplier_id}"): SUPPLIER_READ,
    ("PATCH", "/v1/suppliers/{supplier_id}"): SUPPLIER_WRITE,
    ("GET", "/v1/suppliers/{supplier_id}/scorecards"): SUPPLIER_READ,
    ("GET", "/v1/suppliers/{supplier_id}/scorecards/{year}"): SUPPLIER_READ,
    ("GET", "/v1/suppliers/{supplier_id}/sites"): SUPPLIER_READ,
    ("POST", "/v1/suppliers/{supplier_id}/sites"): SUPPLIER_WRITE,
    ("GET", "/v1/suppliers/{supplier_id}/sites/{site_id}"): SUPPLIER_READ,
    ("PATCH", "/v1/suppliers/{supplier_id}/sites/{site_id}"): SUPPLIER_WRITE,
    ("GET", "/v1/suppliers/{supplier_id}/credentials"): SUPPLIER_READ,
    ("POST", "/v1/suppliers/{supplier_id}/credentials"): SUPPLIER_WRITE,
    ("GET", "/v1/suppliers/{supplier_id}/credentials/{credential_id}"): SUPPLIER_READ,
    ("GET", "/v1/suppliers/{supplier_id}/credentials/{credential_id}/document"): SUPPLIER_READ,
    ("POST", "/v1/suppliers/{supplier_id}/credentials/{credential_id}/document"): SUPPLIER_WRITE,
    ("POST", "/v1/suppliers/{supplier_id}/credentials/{credential_id}/verify"): REVIEW,
    ("POST", "/v1/suppliers/{supplier_id}/credentials/{credential_id}/reject"): REVIEW,
    ("POST", "/v1/suppliers/{supplier_id}/credentials/{credential_id}/revoke"): REVIEW,
    ("GET", "/v1/suppliers/{supplier_id}/performance"): SUPPLIER_READ,
    ("GET", "/v1/suppliers/{supplier_id}/performance/{year}"): SUPPLIER_READ,
    ("PUT", "/v1/suppliers/{supplier_id}/performance/{year}"): SUPPLIER_WRITE,
    ("POST", "/v1/suppliers/{supplier_id}/imports"): SUPPLIER_WRITE,
    ("GET", "/v1/suppliers/{supplier_id}/imports/{job_id}"): SUPPLIER_WRITE,
    ("GET", "/v1/suppliers/{supplier_id}/footprints"): SUPPLIER_READ,
    ("POST", "/v1/suppliers/{supplier_id}/footprints"): SUPPLIER_WRITE,
    ("GET", "/v1/suppliers/{supplier_id}/footprints/{footprint_id}"): SUPPLIER_READ,
    ("POST", "/v1/suppliers/{supplier_id}/footprints/{footprint_id}/versions"): SUPPLIER_WRITE,
    ("GET", "/v1/suppliers/{supplier_id}/shipments"): SUPPLIER_READ,
    ("POST", "/v1/suppliers/{supplier_id}/shipments"): SUPPLIER_WRITE,
    ("GET", "/v1/suppliers/{supplier_id}/shipments/{shipment_id}"): SUPPLIER_READ,
    ("POST", "/v1/subscriptions"): caller(),
    ("GET", "/v1/subscriptions"): caller(),
    ("GET", "/v1/subscriptions/{subscription_id}"): owned(a_subscription),
    ("PATCH", "/v1/subscriptions/{subscription_id}"): owned(a_subscription),
    ("DELETE", "/v1/subscriptions/{subscription_id}"): owned(a_subscription),
    ("POST", "/v1/subscriptions/{subscription_id}/secret/rotate"): owned(a_subscription),
    ("GET", "/v1/subscriptions/{subscription_id}/deliveries"): owned(a_subscription),
    ("POST", "/v1/subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliver"): owned(
        a_subscription, found=False
    ),
    ("POST", "/v1/subscriptions/{subscription_id}/replay"): owned(
        a_subscription, body={"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"}
    ),
    ("GET", "/v1/events"): caller(),
    ("GET", "/v1/events/stream"): caller(streams=True),
    ("POST", "/v1/supply-base"): caller(),
    ("POST", "/v1/supply-base/bulk"): caller(),
    ("GET", "/v1/supply-base"): caller(),
    ("DELETE", "/v1/supply-base/{supplier_id}"): owned(a_supplier_in_bs_supply_base),
    ("GET", "/v1/compliance/{supplier_id}"): SUPPLIER_READ,
    ("POST", "/v1/compliance/lookup"): caller(),
    ("PUT", "/v1/policies/{name}"): caller(),
    ("GET", "/v1/policies"): caller(),
    ("GET", "/v1/policies/{name}"): owned(),
    ("GET", "/v1/policies/{name}/versions/{version}"): owned(),
    ("POST", "/v1/procurement/checks"): caller(),
    ("GET", "/v1/procurement/checks/{check_id}"): owned(),
    ("GET", "/v1/procurement/checks"): caller(),
}
# Values for path parameters no setup provides (ids that exist nowhere unless a setup made them).
PATH_DEFAULTS: dict[str, Callable[[], str]] = {
    "year": lambda: "2025",
    "name": lambda: "default",
    "version": lambda: "1",
    "image": lambda: "qr.png",
}
# Right and other tenants by tenancy: (right roles, other roles); roles marked * get the route's scope minted.
ROLES: dict[str, tuple[list[str], list[str]]] = {
    "supplier_read": (["supplier", "b", "platform"], ["b2", "supplier2"]),
    "supplier_write": (["supplier"], ["supplier2", "b*"]),
    "review": (["reviewer"], ["supplier*"]),
    "platform": (["platform"], ["b*", "supplier*"]),
    "owned": (["b"], ["b2"]),
}


def app_routes(app: Any) -> set[tuple[str, str]]:
    return {
        (method, context.path)
        for context in routing.iter_route_contexts(app.routes)
        for method in (getattr(context, "methods", None) or ())
        if method != "HEAD"
    }


@pytest.fixture(scope="module")
def api(make_app) -> TestClient:
    # Generous rate limits: the matrix sends many requests with few clients.
    return make_app(
        rate_limit_per_s=10_000,
        rate_limit_burst=10_000,
        webhook_allow_http=True,
        webhook_allowed_networks=["127.0.0.0/8"],
        webhook_any_port=True,
    )


@pytest.fixture(scope="module")
def world(api: TestClient, gateway_database_url: str, engine: Engine) -> World:
    tenants = Tenants(gateway_database_url, api)
    s, s2 = str(uuid.uuid4()), str(uuid.uuid4())
    roles = {
        "platform": (tenants.platform_admin(), "platform"),
        "reviewer": (tenants.reviewer(), "platform"),
        "supplier": (tenants.supplier_org(s), "supplier"),
        "supplier2": (tenants.supplier_org(s2), "supplier"),
        "b": (tenants.buyer("b"), "buyer"),
        "b2": (tenants.buyer("b2"), "buyer"),
    }
    with engine.begin() as conn:
        conn.execute(supply_base.insert().values(buyer_id=roles["b"][0].organisation_id, supplier_id=s))
    return World(api, tenants, engine, s, s2, roles)


def test_every_route_has_an_entry(api: TestClient):
    routes = app_routes(api.app)
    missing = sorted(routes - set(MATRIX))
    stale = sorted(set(MATRIX) - routes)
    assert not missing, f"Add MATRIX entries (test_authorisation_matrix.py) for {missing}"
    assert not stale, f"Remove MATRIX entries of routes that are gone: {stale}"


def test_every_protected_route_declares_one_scope(api: TestClient):
    """The table and the code agree on which routes need a token."""
    for context in routing.iter_route_contexts(api.app.routes):
        for method in (getattr(context, "methods", None) or set()) - {"HEAD"}:
            access = MATRIX.get((method, context.path))
            if access is None:
                continue
            scopes = route_scopes(context.route)
            assert (access.tenancy == "public") == (not scopes), (method, context.path, scopes)


def route_scopes(route: Any) -> list[str]:
    found: list[str] = []
    pending = [getattr(route, "dependant", None)]
    while pending:
        dependant = pending.pop()
        if dependant is None:
            continue
        found += [d.call.scope for d in dependant.dependencies if hasattr(d.call, "scope")]
        pending += dependant.dependencies
    return found


def scope_of(api: TestClient, method: str, path: str) -> str:
    for context in routing.iter_route_contexts(api.app.routes):
        if context.path == path and method in (getattr(context, "methods", None) or ()):
            [scope] = route_scopes(context.route)
            return scope
    raise AssertionError(f"no route {method} {path}")


def call(world: World, key: tuple[str, str], params: dict[str, str], headers: dict[str, str]) -> Any:
    method, path = key

    def value(match: re.Match[str]) -> str:
        name = match[1]
        return params.get(name) or PATH_DEFAULTS.get(name, lambda: str(uuid.uuid4()))()

    url = re.sub(r"\{(\w+)\}", value, path)
    body = {"json": MATRIX[key].body or {}} if method in ("POST", "PUT", "PATCH") else {}
    return world.api.request(method, url, headers=headers, **body)


def path_params(world: World, access: Access, supplier: str | None = None) -> dict[str, str]:
    params = access.setup(world) if access.setup else {}
    return {"supplier_id": supplier or world.s} | params if access.tenancy != "owned" else params


ENTRIES = sorted(MATRIX.items())
PROTECTED = [(key, access) for key, access in ENTRIES if access.tenancy != "public"]
ISOLATED = [(key, access) for key, access in PROTECTED if access.tenancy in ROLES]


def ids(entries: list[tuple[tuple[str, str], Access]]) -> list[str]:
    return [f"{method} {path}" for (method, path), _ in entries]


@pytest.mark.parametrize(("key", "access"), PROTECTED, ids=ids(PROTECTED))
def test_anonymous_callers_get_401(world: World, key, access):
    response = call(world, key, path_params(world, access), {})
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("key", "access"), PROTECTED, ids=ids(PROTECTED))
def test_a_token_without_the_scope_gets_403(world: World, key, access):
    method, path = key
    role = ROLES[access.tenancy][0][0] if access.tenancy in ROLES else access.who_role
    scopes = frozenset(SCOPES) - {scope_of(world.api, method, path)}
    response = call(world, key, path_params(world, access), world.headers(role, scopes))
    assert response.status_code == 403, response.text


@pytest.mark.parametrize(("key", "access"), ISOLATED, ids=ids(ISOLATED))
def test_other_tenants_get_404(world: World, key, access):
    method, path = key
    scope = frozenset({scope_of(world.api, method, path)})
    expected = 403 if access.tenancy == "platform" else 404
    for role in ROLES[access.tenancy][1]:
        minted = role.endswith("*")
        headers = world.headers(role.rstrip("*"), scope if minted else None)
        response = call(world, key, path_params(world, access), headers)
        assert response.status_code == expected, (role, response.text)


# An endless stream (SSE) cannot be called to completion here; its right tenant is served in
# services/gateway/tests/api/test_sse_stream.py, its refusals are the cases above.
FINITE = [(key, access) for key, access in PROTECTED if not access.streams]


@pytest.mark.parametrize(("key", "access"), FINITE, ids=ids(FINITE))
def test_the_right_tenant_is_let_through(world: World, key, access):
    roles = ROLES[access.tenancy][0] if access.tenancy in ROLES else [access.who_role]
    for role in roles:
        response = call(world, key, path_params(world, access), world.headers(role))
        refused = {401, 403} | ({404} if access.tenancy != "owned" or access.found else set())
        assert response.status_code not in refused, (role, response.status_code, response.text)


# Public routes that forward upstream: 503 here (upstreams are down) shows they were let through.
FORWARDING_PUBLIC = {"/readyz", "/.well-known/jwks.json", "/v1/verify"}


def test_public_routes_need_no_token(world: World):
    for (method, path), access in ENTRIES:
        if access.tenancy == "public" and method == "GET":
            expected = 503 if path in FORWARDING_PUBLIC else 200
            assert world.api.get(path).status_code == expected, path
