"""Scoring service settings."""

from pathlib import Path

from pydantic import AnyHttpUrl, Field

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "scoring"
    greencode_keys_dir: Path = Field(
        default=Path(".run/greencode-keys"),
        description="Directory of the Ed25519 signing keys of green codes and carbon labels (private: 0700)",
    )
    public_base_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("http://127.0.0.1:8000"),
        description="The gateway's public URL; QR codes point at its /v1/verify",
    )
