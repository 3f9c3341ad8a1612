"""Endpoint signing secrets, encrypted at rest.

A webhook secret cannot be stored as a hash like a password: the worker needs the key itself to
compute each HMAC. So it is encrypted with AES-256-GCM under a key held outside the database
(setting WEBHOOK_SECRET_KEY); a copy of the database alone does not reveal any secret. The
subscription id is bound in as associated data, so a ciphertext copied onto another row fails to
decrypt instead of signing someone else's webhooks.
"""

from __future__ import annotations

import os
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12
MIN_KEY_CHARS = 32


class SecretBox:
    """Encrypts and decrypts endpoint secrets for one subscription id at a time."""

    def __init__(self, key_material: str) -> None:
        if len(key_material) < MIN_KEY_CHARS:
            raise ValueError(f"WEBHOOK_SECRET_KEY must have at least {MIN_KEY_CHARS} characters")
        # HKDF turns any high-entropy setting string into exactly 256 bits, and separates this use
        # from any other key that might be derived from the same material.
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"greenchain webhook secrets v1"
        ).derive(key_material.encode())
        self._aead = AESGCM(key)

    def seal(self, subscription_id: uuid.UUID, secret: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return FORMAT_VERSION + nonce + self._aead.encrypt(nonce, secret.encode(), subscription_id.bytes)

    def open(self, subscription_id: uuid.UUID, sealed: bytes) -> str:
        """The secret; raises cryptography's InvalidTag if the key or the row does not match."""
        if sealed[:1] != FORMAT_VERSION:
            raise ValueError("unknown secret format")
        nonce, ciphertext = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
        return self._aead.decrypt(nonce, ciphertext, subscription_id.bytes).decode()
