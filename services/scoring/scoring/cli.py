"""`scoring serve | consume | relay | migrate`: the scoring service's processes."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

import uvicorn

from scoring.adapters.orm import outbox
from scoring.config import Settings
from scoring.service_layer.handlers import CONSUMER_NAME, handle_event
from shared.contracts import SUPPLIER_EVENTS
from shared.db import make_engine
from shared.migrations import upgrade_to_head
from shared.worker import run_consumer, run_relay

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scoring", description="greenchain scoring service")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8002)
    commands.add_parser("consume", help="score suppliers from supplier.events")
    commands.add_parser("relay", help="publish outbox rows to Kafka")
    commands.add_parser("migrate", help="upgrade the database schema to head")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "serve":
        uvicorn.run(
            "scoring.api.app:create_app", factory=True, host=args.host, port=args.port, log_config=None
        )
    elif args.command == "consume":
        engine = make_engine(str(settings.database_url))
        run_consumer(
            settings,
            name=CONSUMER_NAME,
            topics=[SUPPLIER_EVENTS],
            handler=partial(handle_event, engine=engine),
        )
    elif args.command == "relay":
        run_relay(settings, outbox, "scoring")
    else:
        upgrade_to_head(ALEMBIC_INI, str(settings.database_url))


if __name__ == "__main__":
    main()
