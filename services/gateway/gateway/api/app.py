"""The public gateway API (run: uvicorn --factory gateway.api.app:create_app)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from gateway.adapters.upstream import ScoringClient, SupplierClient, SupplierProxy, make_proxy_client
from gateway.api.rate_limit import TokenBucketLimiter, public_rate_limited, rate_limited
from gateway.api.request_id import RequestIdHeader
from gateway.api.routes import (
    clients,
    compliance,
    deliveries,
    events,
    greencodes,
    oauth,
    policies,
    procurement,
    subscriptions,
    supplier_records,
    suppliers,
    supply_base,
)
from gateway.config import Settings
from gateway.delivery.secretbox import SecretBox
from gateway.delivery.ssrf import UnsafeUrl, UrlPolicy
from gateway.service_layer.deliveries import DeliveryNotFound
from gateway.service_layer.feed import CursorExpired
from gateway.service_layer.subscriptions import NotInSupplyBase, PreconditionFailed, SubscriptionNotFound
from gateway.service_layer.tenants import ClientNotFound
from gateway.service_layer.tokens import TokenSigner
from shared.api import configure_app
from shared.contracts.supplier_api import UPLOAD_PATHS
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
        signing_key = settings.token_signing_key.get_secret_value()
        app.state.token_signer = TokenSigner(signing_key, settings.token_ttl_s)
        app.state.secret_rotation_overlap_s = settings.secret_rotation_overlap_s
        app.state.url_policy = url_policy(settings)
        app.state.secret_box = SecretBox(settings.webhook_secret_key.get_secret_value())
        app.state.gateway_settings = settings
        supplier_http = make_http_client(
            str(settings.supplier_url), token=token, timeout_s=settings.upstream_timeout_s
        )
        scoring_http = make_http_client(
            str(settings.scoring_url), token=token, timeout_s=settings.upstream_timeout_s
        )
        app.state.supplier_client = SupplierClient("supplier", supplier_http)
        app.state.scoring_client = ScoringClient("scoring", scoring_http)
        proxy_http = make_proxy_client(
            str(settings.supplier_url), token=token, timeout_s=settings.upstream_timeout_s
        )
        app.state.supplier_proxy = SupplierProxy(proxy_http)
        yield
        await proxy_http.aclose()
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
        upload_max_bytes=settings.max_upload_bytes,
        upload_paths=UPLOAD_PATHS,
        checks={"database": lambda: check_database(app.state.engine), "kafka": kafka_probe},
        domain_errors={
            SubscriptionNotFound: (404, "Subscription not found"),
            DeliveryNotFound: (404, "Delivery not found"),
            PreconditionFailed: (412, "Precondition failed"),
            NotInSupplyBase: (422, "Supplier not in supply base"),
            CursorExpired: (410, "Cursor expired"),
            ClientNotFound: (404, "Client not found"),
            UnsafeUrl: (422, "Unsafe webhook URL"),
        },
    )
    app.state.rate_limiter = TokenBucketLimiter(settings.rate_limit_per_s, settings.rate_limit_burst)
    app.state.public_rate_limiter = TokenBucketLimiter(
        settings.public_rate_limit_per_s, settings.public_rate_limit_burst
    )
    # Public: the token endpoint (argon2 makes guessing slow) and verification (limited per address).
    app.include_router(oauth.router)
    app.include_router(greencodes.public, dependencies=[Depends(public_rate_limited)])
    # Every other route declares its scope (gateway.api.security.authorise) and is limited per client.
    authenticated = (clients, suppliers, supplier_records, subscriptions, deliveries, events, greencodes)
    for module in authenticated:
        app.include_router(module.router, dependencies=[Depends(rate_limited)])
    install_buyer_api(app, settings)
    return app


def install_buyer_api(app: FastAPI, settings: Settings) -> None:
    """Supply base, compliance, policies and checks, with their edge conventions (rate limit, ids)."""
    app.state.idempotency_ttl_h = settings.idempotency_ttl_h
    app.state.upstream_concurrency = settings.upstream_concurrency
    app.add_middleware(RequestIdHeader)  # added last, so outermost: every answer gets X-Request-ID
    for module in (supply_base, compliance, policies, procurement):
        app.include_router(module.router)
