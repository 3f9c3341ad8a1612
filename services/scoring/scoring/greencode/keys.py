"""Ed25519 signing keys with a ``kid``, activation and retirement: the key ring behind the JWKS.

Keys live as one JSON file each in a directory (mode 0600), so the API and the consumer processes
share them without a database secret; a KMS would replace this adapter in a larger deployment.
A new key signs from its activation; older keys stay published (verifying what they signed) until
retired, after which codes they signed are refused as signed by a retired key.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from joserfc.jwk import KeySet, OKPKey


class NoActiveKey(RuntimeError):
    """No key is active: run `scoring keys rotate` to create one."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    key: OKPKey
    activated_at: datetime
    retired_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.activated_at <= now and not self.retired(now)

    def retired(self, now: datetime) -> bool:
        return self.retired_at is not None and self.retired_at <= now

    def to_file(self) -> dict[str, Any]:
        return {
            "jwk": self.key.as_dict(private=True),
            "activated_at": self.activated_at.isoformat(),
            "retired_at": self.retired_at.isoformat() if self.retired_at else None,
        }

    @classmethod
    def from_file(cls, data: dict[str, Any]) -> SigningKey:
        key = OKPKey.import_key(data["jwk"])
        retired = data.get("retired_at")
        return cls(
            kid=str(key.kid),
            key=key,
            activated_at=datetime.fromisoformat(data["activated_at"]),
            retired_at=datetime.fromisoformat(retired) if retired else None,
        )


class KeyRing:
    """All keys ever created, newest activation last."""

    def __init__(self, keys: list[SigningKey]) -> None:
        self.keys = sorted(keys, key=lambda k: k.activated_at)

    def signing_key(self, now: datetime) -> SigningKey:
        """The most recently activated key that is active at ``now``."""
        active = [k for k in self.keys if k.active(now)]
        if not active:
            raise NoActiveKey("no active green-code signing key; run `scoring keys rotate`")
        return active[-1]

    def published(self, now: datetime) -> list[SigningKey]:
        """Keys in the JWKS: every key not retired, including ones not yet active (pre-publication)."""
        return [k for k in self.keys if not k.retired(now)]

    def jwks(self, now: datetime) -> dict[str, Any]:
        return dict(KeySet([k.key for k in self.published(now)]).as_dict(private=False))

    def public_keyset(self, now: datetime) -> KeySet:
        """The published keys without their private parts, exactly as an offline verifier has them."""
        return KeySet.import_key_set(KeySet([k.key for k in self.published(now)]).as_dict(private=False))

    def retired_kids(self, now: datetime) -> frozenset[str]:
        return frozenset(k.kid for k in self.keys if k.retired(now))


def new_key(*, activated_at: datetime | None = None) -> SigningKey:
    """A fresh Ed25519 key; its kid is the RFC 7638 thumbprint, so it names the key itself."""
    key = OKPKey.generate_key("Ed25519", auto_kid=True)
    return SigningKey(kid=str(key.kid), key=key, activated_at=activated_at or datetime.now(UTC))


class KeyDirectory:
    """The key ring stored as ``<kid>.json`` files in one directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cached: tuple[int, KeyRing] | None = None

    def load(self) -> KeyRing:
        """The ring as the files are now. Every change is an atomic rename into the directory, which
        moves its mtime, so the files are read again only after a rotation or retirement."""
        if not self.path.is_dir():
            return KeyRing([])
        stamp = self.path.stat().st_mtime_ns
        if self._cached is None or self._cached[0] != stamp:
            keys = [SigningKey.from_file(json.loads(p.read_text())) for p in self.path.glob("*.json")]
            self._cached = (stamp, KeyRing(keys))
        return self._cached[1]

    def save(self, key: SigningKey) -> None:
        """Write atomically with owner-only permissions: the file holds a private key."""
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self.path / f"{key.kid}.json"
        temporary = target.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(key.to_file(), file)
        temporary.replace(target)
        self._cached = None  # the directory's mtime may not have moved within its clock's granularity

    def rotate(self, *, activated_at: datetime | None = None) -> SigningKey:
        key = new_key(activated_at=activated_at)
        self.save(key)
        return key

    def ensure(self) -> KeyRing:
        """The ring, with a first key created if there is none (a new installation).

        Every scoring process calls this at start-up; the lock makes one of them create the key.
        """
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.path / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not self.load().keys:
                self.rotate()
        return self.load()

    def retire(self, kid: str, *, at: datetime | None = None) -> SigningKey:
        ring = self.load()
        key = next((k for k in ring.keys if k.kid == kid), None)
        if key is None:
            raise KeyError(f"no key with kid {kid}")
        retired = SigningKey(key.kid, key.key, key.activated_at, at or datetime.now(UTC))
        self.save(retired)
        return retired
