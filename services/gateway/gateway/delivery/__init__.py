"""Webhook delivery building blocks: SSRF guard, retry schedule, Standard Webhooks signing.

Pure logic plus an httpx client factory; no database and no Kafka here.
"""

from gateway.delivery.schedule import (
    Outcome,
    RetrySchedule,
    classify,
    parse_retry_after,
    should_disable_for_failures,
)
from gateway.delivery.signing import generate_secret, sign
from gateway.delivery.ssrf import (
    UnsafeUrl,
    UrlPolicy,
    check_subscription_url,
    is_forbidden_address,
    make_webhook_client,
)

__all__ = [
    "Outcome",
    "RetrySchedule",
    "UnsafeUrl",
    "UrlPolicy",
    "check_subscription_url",
    "classify",
    "generate_secret",
    "is_forbidden_address",
    "make_webhook_client",
    "parse_retry_after",
    "should_disable_for_failures",
    "sign",
]
