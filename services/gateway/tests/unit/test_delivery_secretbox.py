from __future__ import annotations

import uuid

import pytest
from cryptography.exceptions import InvalidTag

from gateway.delivery.secretbox import SecretBox
from gateway.delivery.signing import generate_secret

KEY = "an-example-key-material-of-32-chars-or-more"


def test_round_trip_and_no_plaintext_at_rest() -> None:
    box, row, secret = SecretBox(KEY), uuid.uuid4(), generate_secret()
    sealed = box.seal(row, secret)
    assert secret.encode() not in sealed
    assert box.open(row, sealed) == secret
    assert box.seal(row, secret) != sealed  # a fresh nonce every time


def test_a_ciphertext_moved_to_another_row_does_not_open() -> None:
    box = SecretBox(KEY)
    sealed = box.seal(uuid.uuid4(), generate_secret())
    with pytest.raises(InvalidTag):
        box.open(uuid.uuid4(), sealed)


def test_another_key_does_not_open() -> None:
    row = uuid.uuid4()
    sealed = SecretBox(KEY).seal(row, generate_secret())
    with pytest.raises(InvalidTag):
        SecretBox(KEY + "x").open(row, sealed)


def test_short_key_material_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        SecretBox("short")
