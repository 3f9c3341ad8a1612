"""Standard Webhooks signatures (the `standardwebhooks` package), with secret rotation.

During a rotation an endpoint has two secrets; the `webhook-signature` header then carries one
`v1,<base64>` entry per secret, separated by spaces, and receivers accept either.
"""

from __future__ import annotations

import base64
import math
import secrets as _secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64


def generate_secret(nbytes: int = 32) -> str:
    """A new random endpoint secret, `whsec_` + base64 of `nbytes` random bytes (24 to 64)."""
    if not MIN_SECRET_BYTES <= nbytes <= MAX_SECRET_BYTES:
        raise ValueError(f"nbytes must be between {MIN_SECRET_BYTES} and {MAX_SECRET_BYTES}")
    return SECRET_PREFIX + base64.b64encode(_secrets.token_bytes(nbytes)).decode("ascii")


def sign(
    secret: str | Sequence[str], msg_id: str, timestamp: int | datetime, body: bytes | str
) -> dict[str, str]:
    """The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers for one attempt.

    `secret` is one `whsec_` secret or several (rotation: one signature per secret, in order).
    `timestamp` is the attempt's time, as Unix seconds or an aware datetime. `body` must be the
    exact bytes sent, and UTF-8 (the library signs text).
    """
    keys = [secret] if isinstance(secret, str) else list(secret)
    if not keys:
        raise ValueError("at least one secret is required")
    if not msg_id or "." in msg_id:
        raise ValueError("msg_id must be non-empty and must not contain '.'")
    unix_s = _unix_seconds(timestamp)
    # standardwebhooks' sign() does `timestamp.replace(tzinfo=utc)`, which shifts any non-UTC
    # datetime; handing it a UTC datetime built from the integer avoids that.
    when = datetime.fromtimestamp(unix_s, tz=UTC)
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    signatures = [Webhook(key).sign(msg_id=msg_id, timestamp=when, data=text) for key in keys]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(unix_s),
        "webhook-signature": " ".join(signatures),
    }


def _unix_seconds(timestamp: int | datetime) -> int:
    if isinstance(timestamp, datetime):
        if timestamp.tzinfo is None or timestamp.utcoffset() is None:
            raise ValueError("timestamp datetime must be timezone-aware")
        return math.floor(timestamp.timestamp())
    if isinstance(timestamp, bool) or timestamp < 0:
        raise ValueError("timestamp must be non-negative Unix seconds")
    return int(timestamp)
