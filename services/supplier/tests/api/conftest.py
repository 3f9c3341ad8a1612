"""Fixtures for the supplier API tests: the real app on a real PostgreSQL, migrated by Alembic.

Reuse them from any test module in this directory:

- ``supplier_db_url`` (module scope): the SQLAlchemy URL of a fresh supplier database at Alembic head,
  on a PostgreSQL server started once per test session by the project's launcher. Each test module
  gets its own database, so modules never see each other's rows. Use it to inspect tables directly,
  e.g. ``create_engine(supplier_db_url)`` and a query on ``outbox``.
- ``supplier_client`` (module scope): a factory. ``supplier_client()`` returns a started
  ``fastapi.testclient.TestClient`` over ``create_app`` on that database, already sending the internal
  service credential; keyword arguments override settings, e.g.
  ``supplier_client(max_document_bytes=1024)``. Clients are closed when the module ends.

Kafka is not started: nothing here calls ``/readyz``, and events are checked in the outbox table
(the relay's publishing is covered by the integration tests).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from launcher.paths import free_port
from launcher.postgres import PostgresServer
from launcher.testing import migrated_database
from supplier.api.app import create_app
from supplier.config import Settings

INTERNAL_TOKEN = "supplier-api-test-token"
SupplierClientFactory = Callable[..., TestClient]


@pytest.fixture(scope="session")
def supplier_postgres() -> Iterator[PostgresServer]:
    # Not under pytest's basetemp: a concurrent pytest session resets that tree to mode 0700, which
    # would lock out the unprivileged user PostgreSQL runs as when the tests run as root.
    data_dir = Path(tempfile.mkdtemp(prefix="supplier-api-pg-"))
    server = PostgresServer(data_dir, port=free_port())
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def supplier_db_url(supplier_postgres: PostgresServer) -> str:
    """A fresh supplier database for this test module, migrated to head."""
    return migrated_database(supplier_postgres, "supplier")


@pytest.fixture(scope="module")
def supplier_client(
    supplier_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SupplierClientFactory]:
    """Factory of started TestClients over the supplier app on `supplier_db_url`."""
    blob_dir = Path(tmp_path_factory.mktemp("supplier-blobs"))
    with ExitStack() as clients:

        def make(**overrides: Any) -> TestClient:
            settings = Settings(
                **{
                    "database_url": supplier_db_url,
                    "kafka_bootstrap_servers": f"127.0.0.1:{free_port()}",  # never contacted
                    "internal_token": INTERNAL_TOKEN,
                    "blob_dir": blob_dir,
                    **overrides,
                }
            )
            client = TestClient(create_app(settings), raise_server_exceptions=False)
            client.headers["Authorization"] = f"Bearer {INTERNAL_TOKEN}"
            return clients.enter_context(client)

        yield make
