"""The gateway app over HTTP on a real, migrated PostgreSQL; upstream services at a port nobody serves.

Fixtures for every API test module: `make_app(**settings)` (a started TestClient), `api` (one shared
app), `engine`, and `api_tenants` (the same helper as the root `tenants` fixture, on this app).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, create_engine

from gateway.api.app import create_app
from gateway.config import Settings
from launcher.paths import free_port
from launcher.postgres import PostgresServer
from launcher.tenants import Tenants
from launcher.testing import migrated_database


@pytest.fixture(scope="session")
def gateway_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One PostgreSQL server for the gateway's API tests, with a database migrated by Alembic."""
    # A fresh subdirectory, as the launcher uses: its permissions are prepared for the postgres user.
    server = PostgresServer(tmp_path_factory.mktemp("gateway-api") / "postgres", port=free_port())
    server.start()
    yield migrated_database(server, "gateway")
    server.stop()


@pytest.fixture(scope="session")
def engine(gateway_database_url: str) -> Iterator[Engine]:
    engine = create_engine(gateway_database_url)
    yield engine
    engine.dispose()


def settings_for(database_url: str, **overrides: Any) -> Settings:
    """Settings for a test app: unreachable upstreams and Kafka, fresh random secrets for every key."""
    dead = f"http://127.0.0.1:{free_port()}"
    values: dict[str, Any] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": f"127.0.0.1:{free_port()}",
        "supplier_url": dead,
        "scoring_url": dead,
        "upstream_timeout_s": 2.0,
    }
    for name, field in Settings.model_fields.items():
        if field.is_required() and name not in values and field.annotation is SecretStr:
            values[name] = secrets.token_urlsafe(32)
    return Settings(**(values | overrides))


@pytest.fixture(scope="session")
def make_app(gateway_database_url: str) -> Iterator[Callable[..., TestClient]]:
    """Start a gateway app with settings overridden; it stops at the end of the session."""
    with ExitStack() as started:

        def make(**overrides: Any) -> TestClient:
            app = create_app(settings_for(gateway_database_url, **overrides))
            return started.enter_context(TestClient(app, raise_server_exceptions=False))

        yield make


@pytest.fixture(scope="session")
def api(make_app: Callable[..., TestClient]) -> TestClient:
    return make_app()


@pytest.fixture(scope="session")
def api_tenants(gateway_database_url: str, api: TestClient) -> Iterator[Tenants]:
    made = Tenants(gateway_database_url, api)
    yield made
    made.close()
