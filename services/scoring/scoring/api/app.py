"""The scoring service's internal API (run: uvicorn --factory scoring.api.app:create_app)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from scoring.api.routes import greencodes, models, scorecards, standings, what_if
from scoring.config import Settings
from scoring.domain import ModelRegistry, UnknownModelVersion
from scoring.greencode.service import make_issuer
from scoring.greencode.verification import CodeNotFound
from scoring.service_layer.queries import ScorecardNotFound
from scoring.service_layer.standings import GreenListNotFound, InvalidCursor, YearNotScored
from scoring.service_layer.what_if import WhatIfInvalid
from shared.api import configure_app, require_internal_token
from shared.db import check_database, make_engine
from shared.kafka import KafkaProbe
from shared.logging import configure_logging


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()  # read from the environment at start-up
    kafka_probe = KafkaProbe(settings.kafka_bootstrap_servers)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level)
        # Loaded once; a refused model file stops start-up with ModelInvalid naming the criterion.
        app.state.models = ModelRegistry.from_package()
        app.state.engine = make_engine(str(settings.database_url))
        app.state.internal_token = settings.internal_token.get_secret_value()
        app.state.issuer = make_issuer(settings)
        yield
        kafka_probe.close()
        app.state.engine.dispose()

    app = FastAPI(title="greenchain scoring (internal)", version="1", lifespan=lifespan)
    configure_app(
        app,
        max_body_bytes=settings.max_body_bytes,
        checks={"database": lambda: check_database(app.state.engine), "kafka": kafka_probe},
        domain_errors={
            ScorecardNotFound: (404, "Scorecard not found"),
            YearNotScored: (404, "Year not scored"),
            GreenListNotFound: (404, "Green list not found"),
            InvalidCursor: (400, "Invalid cursor"),
            CodeNotFound: (404, "Code not found"),
            UnknownModelVersion: (404, "Model not found"),
            WhatIfInvalid: (422, "Figures cannot be scored"),
        },
    )
    app.include_router(scorecards.router, dependencies=[Depends(require_internal_token)])
    app.include_router(standings.router, dependencies=[Depends(require_internal_token)])
    app.include_router(greencodes.router, dependencies=[Depends(require_internal_token)])
    app.include_router(models.router, dependencies=[Depends(require_internal_token)])
    app.include_router(what_if.router, dependencies=[Depends(require_internal_token)])
    return app
