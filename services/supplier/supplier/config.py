"""Supplier service settings."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr

from shared.settings import ServiceSettings

MIB = 1024 * 1024


class Settings(ServiceSettings):
    service_name: str = "supplier"

    # --- credential documents -------------------------------------------------------------------
    blob_store: Literal["local", "s3"] = Field(default="local", description="Where document files live")
    blob_dir: Path = Field(default=Path(".run/blobs"), description="Directory of the local blob store")
    s3_endpoint_url: str | None = Field(default=None, description="S3-compatible endpoint; None = AWS")
    s3_bucket: str = "greenchain-documents"
    s3_access_key: SecretStr | None = None
    s3_secret_key: SecretStr | None = None
    s3_region: str = "us-east-1"
    max_document_bytes: int = Field(default=20 * MIB, gt=0, description="Largest document upload (413)")

    # --- expiry scheduler ------------------------------------------------------------------------
    reminder_interval_s: float = Field(default=60.0, gt=0, description="Seconds between scheduler rounds")
    credential_grace_days: int = Field(
        default=30, ge=0, description="Days a credential still counts after its expiry date (DOMAIN.md §3)"
    )

    # --- bulk imports and logistics ---------------------------------------------------------------
    import_batch_rows: int = Field(default=1000, gt=0, description="Rows per importer transaction")
    import_poll_interval_s: float = Field(default=1.0, gt=0, description="Importer's idle poll interval")
    logistics_factor_overrides_path: Path | None = Field(
        default=None, description="TOML file whose [[factors]] rows replace or add default GLEC intensities"
    )
