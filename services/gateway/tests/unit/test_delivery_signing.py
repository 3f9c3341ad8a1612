from __future__ import annotations

import base64
import hashlib
import hmac
import string
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook, WebhookVerificationError

from gateway.delivery.signing import generate_secret, sign

# Standard Webhooks known-answer vector (libraries/python/tests, libraries/javascript tests).
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def reference_signature(secret: str, msg_id: str, ts: int, body: bytes) -> str:
    """The spec's HMAC, with the standard library only."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def test_known_answer_vector() -> None:
    assert sign(SECRET, MSG_ID, TIMESTAMP, BODY) == {
        "webhook-id": MSG_ID,
        "webhook-timestamp": "1614265330",
        "webhook-signature": EXPECTED,
    }
    assert sign(SECRET, MSG_ID, TIMESTAMP, BODY.decode())["webhook-signature"] == EXPECTED


def test_timestamp_as_datetime_in_any_zone_gives_the_same_signature() -> None:
    # standardwebhooks' own sign() would shift this one by two hours.
    plus_two = datetime.fromtimestamp(TIMESTAMP, tz=timezone(timedelta(hours=2)))
    assert sign(SECRET, MSG_ID, plus_two, BODY)["webhook-signature"] == EXPECTED
    with_fraction = datetime.fromtimestamp(TIMESTAMP + 0.9, tz=UTC)
    assert sign(SECRET, MSG_ID, with_fraction, BODY)["webhook-timestamp"] == str(TIMESTAMP)


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sign(SECRET, MSG_ID, datetime(2021, 2, 21, 15, 2, 10), BODY)


def test_rotation_signs_with_every_secret_and_either_verifies() -> None:
    new_secret = generate_secret()
    now = int(time.time())
    headers = sign([SECRET, new_secret], MSG_ID, now, BODY)
    entries = headers["webhook-signature"].split(" ")
    assert entries == [
        reference_signature(SECRET, MSG_ID, now, BODY),
        reference_signature(new_secret, MSG_ID, now, BODY),
    ]
    assert Webhook(SECRET).verify(BODY, headers) == {"test": 2432232314}
    assert Webhook(new_secret).verify(BODY, headers) == {"test": 2432232314}
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(BODY, headers)


def test_tampered_body_fails_verification() -> None:
    headers = sign(SECRET, MSG_ID, int(time.time()), BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(b'{"test": 2432232315}', headers)


@pytest.mark.parametrize(
    ("secret", "msg_id", "timestamp", "words"),
    [
        ([], MSG_ID, TIMESTAMP, "secret"),
        (SECRET, "", TIMESTAMP, "msg_id"),
        (SECRET, "msg.1", TIMESTAMP, "msg_id"),
        (SECRET, MSG_ID, -1, "non-negative"),
    ],
)
def test_invalid_arguments(secret: list[str] | str, msg_id: str, timestamp: int, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        sign(secret, msg_id, timestamp, BODY)


def test_non_utf8_body_is_rejected() -> None:
    with pytest.raises(UnicodeDecodeError):
        sign(SECRET, MSG_ID, TIMESTAMP, b"\xff\xfe")


def test_generate_secret() -> None:
    secret = generate_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert generate_secret() != secret
    assert len(base64.b64decode(generate_secret(64)[6:])) == 64
    for bad in (23, 65):
        with pytest.raises(ValueError, match="between 24 and 64"):
            generate_secret(bad)


@given(
    key=st.binary(min_size=24, max_size=64),
    msg_id=st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=40),
    ts=st.integers(0, 2**33),
    body=st.text(max_size=200),
)
def test_signature_matches_the_spec_hmac(key: bytes, msg_id: str, ts: int, body: str) -> None:
    secret = "whsec_" + base64.b64encode(key).decode()
    raw = body.encode()
    headers = sign(secret, msg_id, ts, raw)
    assert headers["webhook-signature"] == reference_signature(secret, msg_id, ts, raw)
    assert headers["webhook-timestamp"] == str(ts)
