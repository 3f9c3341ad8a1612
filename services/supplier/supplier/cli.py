"""`supplier serve | relay | importer | scheduler | migrate`: the supplier service's processes."""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from shared.migrations import upgrade_to_head
from shared.worker import run_relay
from supplier.adapters.orm import outbox
from supplier.config import Settings
from supplier.service_layer.imports import run_importer
from supplier.service_layer.scheduler import run_scheduler

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="supplier", description="greenchain supplier service")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8001)
    commands.add_parser("relay", help="publish outbox rows to Kafka")
    commands.add_parser("importer", help="process queued bulk import jobs")
    commands.add_parser("scheduler", help="expire credentials and send expiry reminders")
    commands.add_parser("migrate", help="upgrade the database schema to head")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "serve":
        uvicorn.run(
            "supplier.api.app:create_app", factory=True, host=args.host, port=args.port, log_config=None
        )
    elif args.command == "relay":
        run_relay(settings, outbox, "supplier")
    elif args.command == "importer":
        run_importer(settings)
    elif args.command == "scheduler":
        run_scheduler(settings)
    else:
        upgrade_to_head(ALEMBIC_INI, str(settings.database_url))


if __name__ == "__main__":
    main()
