"""`gateway admin ...`: bootstrap tenants without touching the database by hand.

Every command prints one JSON document on stdout. A client secret appears in it this once only: it
is stored as an argon2id hash, so whoever runs the command must hand it over now.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any
from uuid import UUID

from sqlalchemy import Engine

from gateway.service_layer import tenants


def add_admin_commands(commands: Any) -> None:
    """Register `admin <command>` on the CLI's subparsers."""
    admin = commands.add_parser("admin", help="create organisations, clients and reviewers; rotate secrets")
    actions = admin.add_subparsers(dest="admin_command", required=True)
    org = actions.add_parser("create-org", help="create a buyer, supplier or platform organisation")
    org.add_argument("--name", required=True)
    org.add_argument("--kind", required=True, choices=["buyer", "supplier", "platform"])
    org.add_argument("--supplier-id", type=UUID, help="the supplier record a supplier organisation is")
    client = actions.add_parser("create-client", help="create an API client; prints its secret once")
    client.add_argument("--org", required=True, type=UUID, help="organisation id")
    client.add_argument("--name", required=True)
    client.add_argument(
        "--scopes", required=True, help="comma-separated, e.g. compliance:read,policies:write"
    )
    rotate = actions.add_parser("rotate-secret", help="new secret; the old one works for the overlap")
    rotate.add_argument("--client", required=True, type=UUID)
    reviewer = actions.add_parser("create-reviewer", help="a platform client holding reviews:write")
    reviewer.add_argument("--name", required=True)
    actions.add_parser("list-orgs", help="every organisation")
    disable = actions.add_parser("disable-client", help="refuse the client's tokens from now on")
    disable.add_argument("--client", required=True, type=UUID)


def run_admin(args: argparse.Namespace, *, engine: Engine, rotation_overlap_s: int) -> int:
    """Run one admin command; refusals go to stderr as JSON with exit status 2."""
    try:
        result = _dispatch(args, engine=engine, rotation_overlap_s=rotation_overlap_s)
    except (tenants.TenantError, tenants.ClientNotFound) as error:
        print(json.dumps({"error": str(error)}), file=sys.stderr)
        return 2
    print(json.dumps(result, default=str, indent=2))
    return 0


def _dispatch(args: argparse.Namespace, *, engine: Engine, rotation_overlap_s: int) -> Any:
    command = args.admin_command
    if command == "create-org":
        org = tenants.create_organisation(
            name=args.name, kind=args.kind, supplier_id=args.supplier_id, engine=engine
        )
        return asdict(org)
    if command == "list-orgs":
        return [asdict(org) for org in tenants.list_organisations(engine=engine)]
    if command == "create-client":
        scopes = [s.strip() for s in args.scopes.split(",") if s.strip()]
        created = tenants.create_client(
            organisation_id=args.org, name=args.name, scopes=scopes, engine=engine
        )
        return _secret(created)
    if command == "create-reviewer":
        return _secret(tenants.create_reviewer(name=args.name, engine=engine))
    if command == "rotate-secret":
        rotated = tenants.rotate_secret(
            client_id=args.client, overlap_s=rotation_overlap_s, actor=None, engine=engine
        )
        return _secret(rotated) | {"previous_secret_valid_for_s": rotation_overlap_s}
    tenants.disable_client(client_id=args.client, engine=engine)
    return {"client_id": args.client, "disabled": True}


def _secret(created: tenants.NewSecret) -> dict[str, Any]:
    return {
        "client_id": created.client_id,
        "organisation_id": created.organisation_id,
        "name": created.name,
        "scopes": created.scopes,
        "client_secret": created.secret,
        "note": "the secret is shown this once; only its hash is stored",
    }
