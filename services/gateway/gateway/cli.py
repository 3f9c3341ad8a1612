"""`gateway serve | consume | deliver | migrate | admin ...`: the gateway's processes and admin tools."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from functools import partial
from pathlib import Path

import uvicorn

from gateway.admin import add_admin_commands, run_admin
from gateway.api.app import url_policy
from gateway.config import Settings
from gateway.delivery.schedule import DEFAULT_DELAYS_S, RetrySchedule
from gateway.delivery.secretbox import SecretBox
from gateway.delivery.ssrf import make_webhook_client
from gateway.delivery.worker import DeliveryWorker, WorkerOptions
from gateway.service_layer.fanout import CONSUMER_NAME, fan_out
from shared.contracts import SCORING_EVENTS
from shared.db import libpq_url, make_engine
from shared.logging import configure_logging
from shared.migrations import upgrade_to_head
from shared.process import stop_on_signals
from shared.worker import run_consumer

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def _deliver(settings: Settings) -> None:
    configure_logging("gateway-delivery", settings.log_level)
    stop = stop_on_signals()
    engine = make_engine(str(settings.database_url), pool_size=min(settings.delivery_concurrency, 20))
    schedule = RetrySchedule(delays_s=settings.delivery_retry_schedule_s or DEFAULT_DELAYS_S)
    box = SecretBox(settings.webhook_secret_key.get_secret_value())
    options = WorkerOptions(
        concurrency=settings.delivery_concurrency,
        lease_s=settings.delivery_lease_s,
        disable_after=timedelta(seconds=settings.webhook_disable_after_s),
        retention_days=settings.event_retention_days,
    )
    with make_webhook_client(url_policy(settings), settings.webhook_timeout_s) as client:
        worker = DeliveryWorker(engine, client, schedule, box, options)
        worker.run(stop, database_url=libpq_url(str(settings.database_url)))
    engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="gateway", description="greenchain public gateway")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the public HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    commands.add_parser("consume", help="queue webhooks for scoring.events")
    commands.add_parser("deliver", help="deliver queued webhooks")
    commands.add_parser("migrate", help="upgrade the database schema to head")
    add_admin_commands(commands)
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "admin":
        engine = make_engine(str(settings.database_url), pool_size=1)
        status = run_admin(args, engine=engine, rotation_overlap_s=settings.secret_rotation_overlap_s)
        engine.dispose()
        sys.exit(status)
    if args.command == "serve":
        uvicorn.run(
            "gateway.api.app:create_app", factory=True, host=args.host, port=args.port, log_config=None
        )
    elif args.command == "consume":
        engine = make_engine(str(settings.database_url))
        run_consumer(
            settings, name=CONSUMER_NAME, topics=[SCORING_EVENTS], handler=partial(fan_out, engine=engine)
        )
    elif args.command == "deliver":
        _deliver(settings)
    else:
        upgrade_to_head(ALEMBIC_INI, str(settings.database_url))


if __name__ == "__main__":
    main()
