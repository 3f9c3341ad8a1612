"""The supplier service's internal API (run: uvicorn --factory supplier.api.app:create_app)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from shared.api import configure_app, require_internal_token
from shared.contracts.supplier_api import UPLOAD_PATHS
from shared.db import check_database, make_engine
from shared.kafka import KafkaProbe
from shared.logging import configure_logging
from supplier.adapters.blobs import make_blob_store
from supplier.api.errors import DOMAIN_ERRORS
from supplier.api.routes import (
    credentials,
    documents,
    footprints,
    imports,
    performance,
    shipments,
    sites,
    suppliers,
)
from supplier.config import Settings
from supplier.service_layer.shipments import factor_table


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()  # read from the environment at start-up
    kafka_probe = KafkaProbe(settings.kafka_bootstrap_servers)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level)
        app.state.engine = make_engine(str(settings.database_url))
        app.state.internal_token = settings.internal_token.get_secret_value()
        app.state.factor_table = factor_table(settings.logistics_factor_overrides_path)
        app.state.blobs = make_blob_store(settings)
        app.state.max_document_bytes = settings.max_document_bytes
        yield
        kafka_probe.close()
        app.state.engine.dispose()

    app = FastAPI(title="greenchain supplier (internal)", version="1", lifespan=lifespan)
    configure_app(
        app,
        max_body_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.max_upload_bytes,
        upload_paths=UPLOAD_PATHS,
        checks={"database": lambda: check_database(app.state.engine), "kafka": kafka_probe},
        domain_errors=DOMAIN_ERRORS,
    )
    for module in (suppliers, sites, credentials, documents, performance, imports, footprints, shipments):
        app.include_router(module.router, dependencies=[Depends(require_internal_token)])
    return app
