"""Gateway settings."""

from pydantic import AnyHttpUrl, Field, SecretStr

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "gateway"
    supplier_url: AnyHttpUrl = Field(description="Base URL of the internal supplier service")
    scoring_url: AnyHttpUrl = Field(description="Base URL of the internal scoring service")
    # DEVELOPMENT CREDENTIAL: one static bearer token for every caller. The gateway issue (#5)
    # replaces it with OAuth2 client-credentials tokens, scopes and tenants.
    dev_api_token: SecretStr = Field(description="Static development bearer token for the public API")
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
