"""Tenants for a running gateway: the development clients `greenchain up` prints, and test tenants.

The launcher never imports the services; the development bootstrap goes through the gateway's own
admin CLI, exactly as an operator would. Test tenants are made in-process (the gateway package is
imported lazily, as launcher.testing does with shared) because a CLI round trip per tenant would
slow every test session; their tokens always come from the real token endpoint.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from launcher.paths import ProcessFailed

DEV_CLIENTS_FILE = "dev-clients.json"
TOKEN_MARGIN_S = 60  # refresh a test tenant's token this long before it expires


def admin(env: dict[str, str], *args: str) -> Any:
    """Run `gateway admin <args>` with the gateway's environment; its JSON answer."""
    # A one-shot command must not leave metrics files behind that the API's /metrics would report.
    one_shot = {k: v for k, v in env.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    result = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "admin", *args],
        env=os.environ | one_shot,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ProcessFailed(f"gateway admin {' '.join(args[:1])} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def request_token(
    http: httpx.Client, client_id: str, secret: str, scope: str | None = None
) -> httpx.Response:
    """POST /v1/oauth/token with HTTP Basic credentials (client-credentials grant)."""
    form = {"grant_type": "client_credentials"} | ({"scope": scope} if scope else {})
    return http.post("/v1/oauth/token", data=form, auth=(client_id, secret))


# --- the development clients of `greenchain up` -------------------------------------------------------


@dataclass(frozen=True)
class DevClient:
    role: str
    organisation_id: str
    client_id: str
    client_secret: str


def bootstrap_dev_clients(gateway_url: str, env: dict[str, str], run_dir: Path) -> list[DevClient]:
    """A platform admin and a demo buyer, made on first start and reused after (idempotent).

    Their secrets are kept in `<run_dir>/dev-clients.json` (mode 600) so later starts can print them;
    if they no longer obtain a token (a wiped database), fresh ones are made.
    """
    path = run_dir / DEV_CLIENTS_FILE
    if path.exists():
        saved = [DevClient(**entry) for entry in json.loads(path.read_text())]
        with httpx.Client(base_url=gateway_url, timeout=10) as http:
            if all(request_token(http, c.client_id, c.client_secret).status_code == 200 for c in saved):
                return saved
    platform = admin(env, "create-org", "--name", "greenchain platform (development)", "--kind", "platform")
    buyer = admin(env, "create-org", "--name", "Demo Buyer", "--kind", "buyer")
    every_scope = "compliance:read,suppliers:write,credentials:write,policies:write,subscriptions:write,"
    made = [
        _dev_client(
            "platform admin",
            admin(
                env,
                "create-client",
                "--org",
                platform["id"],
                "--name",
                "platform admin",
                "--scopes",
                every_scope + "reviews:write,admin",
            ),
        ),
        _dev_client(
            "demo buyer",
            admin(
                env,
                "create-client",
                "--org",
                buyer["id"],
                "--name",
                "demo buyer",
                "--scopes",
                "compliance:read,policies:write,subscriptions:write",
            ),
        ),
    ]
    path.write_text(json.dumps([c.__dict__ for c in made], indent=2))
    path.chmod(0o600)
    return made


def _dev_client(role: str, created: dict[str, Any]) -> DevClient:
    return DevClient(
        role, str(created["organisation_id"]), str(created["client_id"]), created["client_secret"]
    )


# --- test tenants --------------------------------------------------------------------------------------


@dataclass
class Tenant:
    """One API client of one organisation; `headers` always carry an unexpired bearer token."""

    organisation_id: str
    client_id: str
    secret: str
    scopes: list[str]
    http: httpx.Client = field(repr=False)
    supplier_id: str | None = None
    _token: str = field(default="", repr=False)
    _expires_at: float = field(default=0.0, repr=False)

    @property
    def headers(self) -> dict[str, str]:
        if time.monotonic() > self._expires_at - TOKEN_MARGIN_S:
            response = request_token(self.http, self.client_id, self.secret)
            response.raise_for_status()
            body = response.json()
            self._token, self._expires_at = body["access_token"], time.monotonic() + body["expires_in"]
        return {"Authorization": f"Bearer {self._token}"}


class Tenants:
    """Makes organisations and clients in the gateway's database; `http` reaches its token endpoint."""

    def __init__(self, database_url: str, http: httpx.Client) -> None:
        from sqlalchemy import create_engine

        self.engine = create_engine(database_url, pool_size=1)
        self.http = http
        self._platform: Tenant | None = None
        self._suppliers: dict[str, Tenant] = {}

    def close(self) -> None:
        self.engine.dispose()

    def platform_admin(self) -> Tenant:
        """The platform operator's client with every scope (one per session)."""
        if self._platform is None:
            from gateway.service_layer.access import SCOPES

            self._platform = self.organisation("platform", list(SCOPES), name="platform operator")
        return self._platform

    def buyer(self, name: str = "buyer", scopes: list[str] | None = None) -> Tenant:
        """A new buyer organisation with one client (by default every scope a buyer may hold)."""
        from gateway.service_layer.access import KIND_SCOPES

        return self.organisation("buyer", scopes or sorted(KIND_SCOPES["buyer"]), name=name)

    def supplier_org(self, supplier_id: str | uuid.UUID, scopes: list[str] | None = None) -> Tenant:
        """The supplier's own organisation (made once per supplier) with a client of every supplier scope."""
        from gateway.service_layer.access import KIND_SCOPES

        key = str(supplier_id)
        if key not in self._suppliers or scopes:
            tenant = self._suppliers.get(key)
            organisation_id = tenant.organisation_id if tenant else None
            wanted = scopes or sorted(KIND_SCOPES["supplier"])
            made = self.organisation(
                "supplier", wanted, name=f"supplier {key}", supplier_id=key, organisation_id=organisation_id
            )
            if scopes:
                return made
            self._suppliers[key] = made
        return self._suppliers[key]

    def reviewer(self, name: str = "reviewer") -> Tenant:
        """A reviewer: a platform client with reviews:write (and compliance:read to see what it reviews)."""
        from gateway.service_layer import tenants

        self.platform_admin()  # reviewers join the oldest platform organisation; make sure it is ours
        return self._tenant(tenants.create_reviewer(name=name, engine=self.engine), None)

    def organisation(
        self,
        kind: str,
        scopes: list[str],
        *,
        name: str,
        supplier_id: str | None = None,
        organisation_id: str | None = None,
    ) -> Tenant:
        """A client with `scopes` of a new organisation of `kind` (or of `organisation_id`)."""
        from gateway.service_layer import tenants

        if organisation_id is None:
            bound = uuid.UUID(supplier_id) if supplier_id else None
            organisation_id = str(
                tenants.create_organisation(name=name, kind=kind, supplier_id=bound, engine=self.engine).id
            )
        created = tenants.create_client(
            organisation_id=uuid.UUID(organisation_id),
            name=f"{name} client",
            scopes=scopes,
            engine=self.engine,
        )
        return self._tenant(created, supplier_id)

    def _tenant(self, created: Any, supplier_id: str | None) -> Tenant:
        return Tenant(
            organisation_id=str(created.organisation_id),
            client_id=str(created.client_id),
            secret=created.secret,
            scopes=list(created.scopes),
            http=self.http,
            supplier_id=supplier_id,
        )
