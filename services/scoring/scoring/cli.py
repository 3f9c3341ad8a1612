"""`scoring serve | consume | relay | migrate | rescore`: the scoring service's processes and commands."""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

import uvicorn
from tqdm import tqdm

from scoring.adapters.orm import outbox
from scoring.config import Settings
from scoring.domain import ModelRegistry
from scoring.greencode.labels import load_benchmarks
from scoring.greencode.pipeline import CodeKeeper
from scoring.greencode.service import make_issuer
from scoring.service_layer.handlers import CONSUMER_NAME, handle_event
from scoring.service_layer.rescoring import RescoreSummary, rescore_year
from shared.contracts import SUPPLIER_EVENTS
from shared.db import make_engine
from shared.migrations import upgrade_to_head
from shared.worker import run_consumer, run_relay

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"
# A batch lookup of 500 supplier ids is a ~19 kB query string, above h11's 16 kB default.
MAX_REQUEST_HEAD_BYTES = 64 * 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scoring", description="greenchain scoring service")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8002)
    commands.add_parser("consume", help="score suppliers from supplier.events")
    commands.add_parser("relay", help="publish outbox rows to Kafka")
    commands.add_parser("migrate", help="upgrade the database schema to head")
    rescore = commands.add_parser("rescore", help="rescore every supplier for a year and fix its green list")
    rescore.add_argument("--year", type=int, required=True)
    rescore.add_argument("--model-version", default=None, help="default: the model in effect for the year")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "serve":
        uvicorn.run(
            "scoring.api.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            log_config=None,
            h11_max_incomplete_event_size=MAX_REQUEST_HEAD_BYTES,
        )
    elif args.command == "consume":
        engine = make_engine(str(settings.database_url))
        registry = ModelRegistry.from_package()
        handler = partial(handle_event, engine=engine, registry=registry, codes=code_keeper(settings))
        run_consumer(settings, name=CONSUMER_NAME, topics=[SUPPLIER_EVENTS], handler=handler)
    elif args.command == "relay":
        run_relay(settings, outbox, "scoring")
    elif args.command == "rescore":
        _rescore(settings, year=args.year, model_version=args.model_version)
    else:
        upgrade_to_head(ALEMBIC_INI, str(settings.database_url))


def code_keeper(settings: Settings) -> CodeKeeper:
    """Green codes and carbon labels follow every scoring change (keys made on a new installation)."""
    return CodeKeeper(issuer=make_issuer(settings), benchmarks=load_benchmarks())


def _rescore(settings: Settings, *, year: int, model_version: str | None) -> None:
    engine = make_engine(str(settings.database_url))
    with tqdm(desc=f"rescoring {year}", unit=" suppliers", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        summary = rescore_year(
            year=year,
            model_version=model_version,
            engine=engine,
            progress=progress,
            codes=code_keeper(settings),
        )
    engine.dispose()
    print(_describe(summary))


def _describe(summary: RescoreSummary) -> str:
    return (
        f"{summary.year}: {summary.suppliers} suppliers rescored with model {summary.model_version}, "
        f"{summary.changed} scorecards changed, {summary.events} events; green list "
        f"{summary.list_size} ({summary.entered} entered, {summary.exited} exited)"
    )


if __name__ == "__main__":
    main()
