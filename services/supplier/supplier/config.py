"""Supplier service settings."""

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "supplier"
