"""`greencode verify | keys`: offline verification and signing-key management.

`greencode verify --jwks jwks.json <token>` needs no network: it checks the signature against the
JWKS file and the validity period, and prints the verdict and the signed statement as JSON. Whether a
code was since superseded or revoked is only known online (GET /v1/verify at the gateway).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from scoring.greencode.keys import KeyDirectory
from scoring.greencode.tokens import verify


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="greencode", description="greenchain green codes and carbon labels")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("verify", help="verify a token offline against a JWKS file")
    check.add_argument("--jwks", type=Path, required=True, help="the JWKS, saved from /.well-known/jwks.json")
    check.add_argument("token")
    keys = commands.add_parser("keys", help="manage signing keys (GREENCODE_KEYS_DIR)")
    keys.add_argument("action", choices=["ensure", "rotate", "retire", "jwks"])
    keys.add_argument("--dir", type=Path, required=True, help="the key directory")
    keys.add_argument("--kid", help="the key to retire")
    args = parser.parse_args(argv)
    if args.command == "verify":
        return _verify(args.jwks, args.token)
    return _keys(KeyDirectory(args.dir), args.action, args.kid)


def _verify(jwks_file: Path, token: str) -> int:
    try:
        jwks = KeySet.import_key_set(json.loads(jwks_file.read_text()))
    except (OSError, ValueError, JoseError) as error:
        print(f"cannot read the JWKS file {jwks_file}: {error}", file=sys.stderr)
        return 2
    result = verify(token.strip(), jwks, now=datetime.now(UTC))
    report = {
        "verdict": result.verdict.value,
        "detail": result.detail,
        "kid": result.kid,
        "status": "unknown offline: check online for superseded or revoked",
        "statement": result.statement.model_dump(mode="json") if result.statement else None,
    }
    print(json.dumps(report, indent=2))
    return 0 if result.verdict.value == "valid" else 1


def _keys(directory: KeyDirectory, action: str, kid: str | None) -> int:
    now = datetime.now(UTC)
    if action == "ensure":
        ring = directory.ensure()
    elif action == "rotate":
        directory.rotate()
        ring = directory.load()
    elif action == "retire":
        if not kid:
            print("retire needs --kid", file=sys.stderr)
            return 2
        directory.retire(kid)
        ring = directory.load()
    else:
        ring = directory.load()
    print(json.dumps(ring.jwks(now), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
