"""Gateway settings."""

from pydantic import AnyHttpUrl, Field, SecretStr

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "gateway"
    supplier_url: AnyHttpUrl = Field(description="Base URL of the internal supplier service")
    scoring_url: AnyHttpUrl = Field(description="Base URL of the internal scoring service")
    token_signing_key: SecretStr = Field(
        min_length=32, description="HS256 key the gateway signs and checks its access tokens with"
    )
    token_ttl_s: int = Field(default=900, gt=0, le=86_400, description="Lifetime of an access token")
    secret_rotation_overlap_s: int = Field(
        default=86_400, ge=0, description="How long a rotated-out client secret keeps working"
    )
    upstream_timeout_s: float = 5.0
    webhook_allow_http: bool = Field(
        default=False, description="Allow http:// subscription URLs (development)"
    )
    webhook_allowed_networks: list[str] = Field(
        default_factory=list,
        description="Networks webhooks may reach despite the SSRF guard, e.g. 127.0.0.0/8",
    )
    webhook_allowed_ports: list[int] = Field(
        default=[80, 443, 8080, 8443], description="Ports webhook URLs may use"
    )
    webhook_any_port: bool = Field(default=False, description="Allow any port (development and tests)")
    webhook_timeout_s: float = 10.0
    delivery_retry_schedule_s: list[float] | None = Field(
        default=None,
        description="Seconds between attempts; default: 0, 5, 300, 1800, 7200, 18000, 36000, 36000",
    )
    webhook_secret_key: SecretStr = Field(
        description="Key material (32+ random characters) that encrypts endpoint signing secrets at rest"
    )
    webhook_secret_overlap_s: float = Field(
        default=86_400, ge=0, description="Default time the previous secret keeps signing after a rotation"
    )
    webhook_disable_after_s: float = Field(
        default=5 * 86_400, gt=0, description="An endpoint failing continuously this long is disabled"
    )
    delivery_concurrency: int = Field(default=32, ge=1, description="Webhook POSTs in flight per worker")
    delivery_lease_s: float = Field(
        default=120, gt=0, description="How long a claimed delivery stays claimed before others may retry it"
    )
    event_retention_days: int = Field(default=30, ge=1, description="Days the event feed keeps events")
    feed_poll_interval_s: float = Field(default=1.0, gt=0, description="SSE stream's wait between polls")
    sse_ping_s: float = Field(default=15, gt=0, description="Keep-alive comment interval on the SSE stream")
    rate_limit_per_s: float = Field(
        default=20.0, gt=0, description="Requests per second each API client may sustain (token bucket)"
    )
    rate_limit_burst: int = Field(default=40, ge=1, description="Requests an idle client may send at once")
    public_rate_limit_per_s: float = Field(
        default=2.0, gt=0, description="Verification requests a second per client address (no token)"
    )
    public_rate_limit_burst: int = Field(default=20, ge=1, description="Verification burst per address")
    idempotency_ttl_h: float = Field(
        default=24.0, gt=0, description="How long Idempotency-Key answers are kept"
    )
    upstream_concurrency: int = Field(
        default=8, ge=1, le=64, description="Parallel upstream calls for one batch (lookup, bulk add)"
    )
