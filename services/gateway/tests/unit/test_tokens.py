"""Access tokens and client secrets: encoding, expiry, scope narrowing, argon2id hashes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.service_layer.access import KIND_SCOPES, SCOPES
from gateway.service_layer.tokens import (
    ALGORITHM,
    Claims,
    InvalidScope,
    InvalidToken,
    TokenSigner,
    generate_secret,
    hash_secret,
    narrow_scopes,
    secret_matches,
)

KEY = "k" * 40
SIGNER = TokenSigner(KEY, ttl_s=900)
CLAIMS = Claims(uuid.uuid4(), uuid.uuid4(), "supplier", uuid.uuid4(), frozenset({"suppliers:write", "admin"}))


def test_a_token_round_trips_its_claims():
    issued = SIGNER.issue(CLAIMS)
    assert issued.expires_in == 900
    assert issued.scope == "admin suppliers:write"
    assert SIGNER.verify(issued.access_token) == CLAIMS


def test_the_token_carries_the_documented_claims():
    now = datetime(2025, 11, 21, 8, 0, tzinfo=UTC)
    token = SIGNER.issue(CLAIMS, now=now).access_token
    payload = jwt.decode(token, KEY, algorithms=[ALGORITHM], options={"verify_exp": False})
    assert payload["sub"] == str(CLAIMS.client_id)
    assert payload["org"] == str(CLAIMS.organisation_id)
    assert payload["kind"] == "supplier"
    assert payload["supplier_id"] == str(CLAIMS.supplier_id)
    assert payload["exp"] - payload["iat"] == 900
    assert len(payload["jti"]) == 32
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_each_token_has_its_own_id():
    first, second = (SIGNER.issue(CLAIMS).access_token for _ in range(2))
    assert (
        jwt.decode(first, KEY, algorithms=[ALGORITHM])["jti"]
        != jwt.decode(second, KEY, algorithms=[ALGORITHM])["jti"]
    )


def test_an_expired_token_is_refused():
    token = SIGNER.issue(CLAIMS, now=datetime.now(UTC) - timedelta(seconds=901)).access_token
    with pytest.raises(InvalidToken, match="expired"):
        SIGNER.verify(token)


def test_a_token_signed_with_another_key_is_refused():
    token = TokenSigner("x" * 40, ttl_s=900).issue(CLAIMS).access_token
    with pytest.raises(InvalidToken, match="Signature"):
        SIGNER.verify(token)


@pytest.mark.parametrize(
    "payload_change",
    [
        {"alg": "none"},
        {"kind": "emperor"},
        {"org": "not-a-uuid"},
        {"iss": "someone-else"},
        {"scope": None},
    ],
)
def test_malformed_or_forged_tokens_are_refused(payload_change):
    now = datetime.now(UTC)
    payload = {
        "iss": "greenchain-gateway",
        "sub": str(uuid.uuid4()),
        "org": str(uuid.uuid4()),
        "kind": "buyer",
        "scope": "admin",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "jti": "x",
    }
    if payload_change == {"alg": "none"}:
        token = jwt.encode(payload, None, algorithm="none")
    else:
        token = jwt.encode({**payload, **payload_change}, KEY, algorithm=ALGORITHM)
        if payload_change == {"scope": None}:
            token = jwt.encode({k: v for k, v in payload.items() if k != "scope"}, KEY, algorithm=ALGORITHM)
    with pytest.raises(InvalidToken):
        SIGNER.verify(token)


def test_garbage_is_refused():
    for token in ("", "abc", "a.b.c"):
        with pytest.raises(InvalidToken):
            SIGNER.verify(token)


def test_no_scope_requested_means_every_granted_scope():
    granted = frozenset({"compliance:read", "policies:write"})
    assert narrow_scopes(None, granted) == granted
    assert narrow_scopes("  ", granted) == granted


def test_a_scope_can_be_narrowed_but_never_widened():
    granted = frozenset({"compliance:read", "policies:write"})
    assert narrow_scopes("compliance:read", granted) == {"compliance:read"}
    with pytest.raises(InvalidScope, match="admin"):
        narrow_scopes("compliance:read admin", granted)
    with pytest.raises(InvalidScope, match="nonsense"):
        narrow_scopes("nonsense", granted)


@given(granted=st.sets(st.sampled_from(sorted(SCOPES))), requested=st.sets(st.sampled_from(sorted(SCOPES))))
def test_narrowing_yields_a_subset_or_refuses(granted, requested):
    try:
        narrowed = narrow_scopes(" ".join(requested), frozenset(granted))
    except InvalidScope:
        assert requested - granted
    else:
        assert narrowed <= granted
        assert narrowed == (requested or granted)


def test_secrets_are_prefixed_random_and_hashed_with_argon2id():
    secret = generate_secret()
    assert secret.startswith("gcs_")
    assert len(secret) > 40
    assert generate_secret() != secret
    hashed = hash_secret(secret)
    assert hashed.startswith("$argon2id$")
    assert secret not in hashed
    assert secret_matches(secret, hashed)
    assert not secret_matches(secret + "x", hashed)
    assert not secret_matches(secret, "not-a-hash")


def test_only_the_platform_may_hold_review_and_every_scope():
    assert KIND_SCOPES["platform"] == frozenset(SCOPES)
    assert "reviews:write" not in KIND_SCOPES["buyer"] | KIND_SCOPES["supplier"]
    assert "suppliers:write" not in KIND_SCOPES["buyer"]
