"""Typed settings every service shares. Read once at start-up, never at import."""

from __future__ import annotations

from pydantic import Field, PostgresDsn, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Settings read from the environment (names are the upper-case field names)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    database_url: PostgresDsn = Field(description="SQLAlchemy URL of this service's own database")
    kafka_bootstrap_servers: str = Field(description="Comma-separated host:port list of Kafka brokers")
    internal_token: SecretStr = Field(
        description="Service credential that internal calls carry; only the services hold it"
    )
    log_level: str = "INFO"
    max_body_bytes: int = Field(default=1_048_576, description="Largest JSON request body accepted")
    max_upload_bytes: int = Field(
        default=22_020_096,
        description="Largest body on upload routes (documents, bulk imports): 20 MiB plus multipart framing",
    )
    relay_poll_interval_s: float = Field(default=1.0, description="Outbox relay's fallback poll interval")
