"""The public gateway API (run: uvicorn --factory gateway.api.app:create_app)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from gateway.adapters.upstream import ScoringClient, SupplierClient
from gateway.api.routes import subscriptions, suppliers
from gateway.api.security import require_caller
from gateway.config import Settings
from gateway.delivery.ssrf import UnsafeUrl, UrlPolicy
from gateway.service_layer.subscriptions import SubscriptionNotFound
from shared.api import configure_app
from shared.db import check_database, make_engine
from shared.http import make_http_client
from shared.kafka import KafkaProbe
from shared.logging import configure_logging


def url_policy(settings: Settings) -> UrlPolicy:
    return UrlPolicy.build(
        allow_http=settings.webhook_allow_http,
        allowed_networks=settings.webhook_allowed_networks,
        allowed_ports=None if settings.webhook_any_port else settings.webhook_allowed_ports,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()  # read from the environment at start-up
    kafka_probe = KafkaProbe(settings.kafka_bootstrap_servers)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level)
        token = settings.internal_token.get_secret_value()
        app.state.engine = make_engine(str(settings.database_url))
        app.state.dev_api_token = settings.dev_api_token.get_secret_value()
        app.state.url_policy = url_policy(settings)
        supplier_http = make_http_client(
            str(settings.supplier_url), token=token, timeout_s=settings.upstream_timeout_s
        )
        scoring_http = make_http_client(
            str(settings.scoring_url), token=token, timeout_s=settings.upstream_timeout_s
        )
        app.state.supplier_client = SupplierClient("supplier", supplier_http)
        app.state.scoring_client = ScoringClient("scoring", scoring_http)
        yield
        supplier_http.close()
        scoring_http.close()
        kafka_probe.close()
        app.state.engine.dispose()

    app = FastAPI(
        title="greenchain gateway",
        version="1",
        lifespan=lifespan,
        description="The public API of greenchain: suppliers, compliance and webhook subscriptions.",
    )
    configure_app(
        app,
        max_body_bytes=settings.max_body_bytes,
        checks={"database": lambda: check_database(app.state.engine), "kafka": kafka_probe},
        domain_errors={
            SubscriptionNotFound: (404, "Subscription not found"),
            UnsafeUrl: (422, "Unsafe webhook URL"),
        },
    )
    for router in (suppliers.router, subscriptions.router):
        app.include_router(router, dependencies=[Depends(require_caller)])
    return app
