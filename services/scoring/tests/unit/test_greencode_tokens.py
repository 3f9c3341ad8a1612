"""Green-code tokens: signed with Ed25519, verified from a JWKS alone, every refusal named."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from joserfc.jwk import KeySet

from scoring.greencode.keys import KeyDirectory, KeyRing, new_key
from scoring.greencode.statements import GreenCodeStatement, Position
from scoring.greencode.tokens import Verdict, sign, verify

NOW = datetime(2027, 3, 1, tzinfo=UTC)


def statement(*, exp: datetime = NOW + timedelta(days=300), grade: str = "A") -> GreenCodeStatement:
    return GreenCodeStatement(
        jti=uuid.uuid4(),
        iat=int(NOW.timestamp()),
        exp=int(exp.timestamp()),
        supplier_id=uuid.uuid4(),
        uscc="91350100M000100Y43",
        legal_name="Fujian Green Fasteners Co., Ltd.",
        year=2026,
        overall=Position(grade=grade, percentile=Decimal("91.5"), rank=9, population=100),
        industry=Position(grade="A+", percentile=Decimal("97.0"), rank=1, population=20),
        industry_code="C3825",
        band="Qualified-plus",
        score=Decimal("82.40"),
        model_version="2026.1",
    )


def jwks_of(ring: KeyRing, now: datetime = NOW) -> KeySet:
    return KeySet.import_key_set(ring.jwks(now))


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing([new_key(activated_at=NOW - timedelta(days=30))])


def test_a_signed_code_verifies_with_the_published_keys_only(ring):
    token = sign(statement(), ring.signing_key(NOW))
    result = verify(token, jwks_of(ring), now=NOW)
    assert result.verdict is Verdict.VALID
    assert result.statement is not None
    assert result.statement.legal_name.startswith("Fujian")
    assert "d" not in ring.jwks(NOW)["keys"][0]  # no private part in the JWKS


def test_the_header_names_ed25519_and_the_key(ring):
    token = sign(statement(), ring.signing_key(NOW))
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "Ed25519"
    assert header["kid"] == ring.signing_key(NOW).kid


def test_a_tampered_payload_is_refused(ring):
    header, payload, signature = sign(statement(grade="B"), ring.signing_key(NOW)).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["overall"]["grade"] = "A+"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    result = verify(f"{header}.{forged}.{signature}", jwks_of(ring), now=NOW)
    assert result.verdict is Verdict.BAD_SIGNATURE
    assert result.statement is None


def test_a_wrong_key_with_a_published_kid_is_refused(ring):
    impostor = new_key(activated_at=NOW - timedelta(days=1))
    stolen_kid = type(impostor)(ring.keys[0].kid, impostor.key, impostor.activated_at)
    token = sign(statement(), stolen_kid)
    assert verify(token, jwks_of(ring), now=NOW).verdict is Verdict.BAD_SIGNATURE


def test_an_unknown_kid_is_refused(ring):
    token = sign(statement(), new_key())
    assert verify(token, jwks_of(ring), now=NOW).verdict is Verdict.UNKNOWN_KEY


def test_an_expired_code_has_a_valid_signature_but_is_expired(ring):
    token = sign(statement(exp=NOW - timedelta(seconds=1)), ring.signing_key(NOW))
    result = verify(token, jwks_of(ring), now=NOW)
    assert result.verdict is Verdict.EXPIRED
    assert result.signature_valid


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "x" * 50, "eyJhbGciOiJub25lIn0.e30."])
def test_garbage_is_malformed(ring, token):
    assert verify(token, jwks_of(ring), now=NOW).verdict is Verdict.MALFORMED


def test_rotation_signs_with_the_new_key_and_old_codes_still_verify(tmp_path):
    keys = KeyDirectory(tmp_path / "keys")
    first = keys.rotate(activated_at=NOW - timedelta(days=400))
    old_token = sign(statement(), keys.load().signing_key(NOW - timedelta(days=1)))
    second = keys.rotate(activated_at=NOW)
    ring = keys.load()
    assert ring.signing_key(NOW).kid == second.kid != first.kid
    assert verify(old_token, jwks_of(ring), now=NOW).verdict is Verdict.VALID
    assert (tmp_path / "keys" / f"{first.kid}.json").stat().st_mode & 0o077 == 0


def test_a_retired_key_no_longer_verifies_what_it_signed(tmp_path):
    keys = KeyDirectory(tmp_path / "keys")
    old = keys.rotate(activated_at=NOW - timedelta(days=400))
    token = sign(statement(), keys.load().signing_key(NOW))
    keys.rotate(activated_at=NOW - timedelta(days=10))
    keys.retire(old.kid, at=NOW - timedelta(days=1))
    ring = keys.load()
    assert old.kid not in {key["kid"] for key in ring.jwks(NOW)["keys"]}
    result = verify(token, jwks_of(ring), now=NOW, retired_kids=ring.retired_kids(NOW))
    assert result.verdict is Verdict.RETIRED_KEY
    # Offline, with only the JWKS, the retired key is simply unknown: still refused.
    assert verify(token, jwks_of(ring), now=NOW).verdict is Verdict.UNKNOWN_KEY


def test_a_ring_without_an_active_key_says_how_to_make_one():
    with pytest.raises(RuntimeError, match="scoring keys rotate"):
        KeyRing([]).signing_key(NOW)


def test_the_offline_cli_verifies_without_network(tmp_path, monkeypatch, capsys):
    import socket

    from scoring.greencode.cli import main

    keys = KeyDirectory(tmp_path / "keys")
    key = keys.rotate(activated_at=NOW - timedelta(days=1))
    token = sign(statement(exp=datetime.now(UTC) + timedelta(days=1)), key)
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps(keys.load().jwks(datetime.now(UTC))))

    def no_network(*_args, **_kwargs):
        raise AssertionError("the offline verifier opened a socket")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert main(["verify", "--jwks", str(jwks_file), token]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "valid"
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert main(["verify", "--jwks", str(jwks_file), tampered]) == 1
    assert json.loads(capsys.readouterr().out)["verdict"] == "bad_signature"
