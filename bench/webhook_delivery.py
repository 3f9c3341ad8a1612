"""bench/webhook_delivery: signed webhook deliveries per second to a local receiver, 1,000 endpoints.

Starts a real PostgreSQL (the launcher's), migrates the gateway's database, creates one buyer with
S suppliers in its supply base and N subscriptions (each a different path of one local receiver),
and queues E events per supplier through the fan-out, so N x S x E deliveries wait. Then it starts
the real `gateway deliver` process and measures, at the receiver, how fast they arrive. Every
received webhook is then verified with its subscription's secret (standardwebhooks).

    uv run python -m bench.webhook_delivery                        # 1,000 subscriptions, 5 events each
    uv run python bench/webhook_delivery.py --subscriptions 200 --events 3 --concurrency 64

Throughput = deliveries / (last arrival - first arrival); the wall time also counts the worker's
start-up. Not a test: pytest never collects bench/.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import create_engine, func, select
from standardwebhooks import Webhook

from gateway.adapters.orm import deliveries
from gateway.adapters.tables.buyers import supply_base
from gateway.adapters.tables.tenants import organisations
from gateway.config import Settings
from gateway.delivery.secretbox import SecretBox
from gateway.delivery.ssrf import UrlPolicy
from gateway.service_layer.fanout import fan_out
from gateway.service_layer.subscriptions import create_subscription
from launcher.paths import free_port
from launcher.postgres import PostgresServer
from launcher.receiver import WebhookReceiver
from launcher.testing import migrated_database
from shared.contracts.scoring import ComplianceScoreChanged
from shared.events import Event

POLICY = UrlPolicy.build(allow_http=True, allowed_networks=["127.0.0.0/8"], allowed_ports=None)


def worker_env(database_url: str, secret_key: str, concurrency: int) -> dict[str, str]:
    """The delivery process's settings: loopback allowed, every other required secret random."""
    env = {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",  # `deliver` does not use Kafka
        "SUPPLIER_URL": "http://127.0.0.1:9",
        "SCORING_URL": "http://127.0.0.1:9",
        "WEBHOOK_SECRET_KEY": secret_key,
        "WEBHOOK_ALLOW_HTTP": "true",
        "WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
        "WEBHOOK_ANY_PORT": "true",
        "DELIVERY_CONCURRENCY": str(concurrency),
        "LOG_LEVEL": "WARNING",
    }
    for name, field in Settings.model_fields.items():
        if field.is_required() and name.upper() not in env and field.annotation is SecretStr:
            env[name.upper()] = secrets.token_urlsafe(32)
    return env


def prepare(database_url: str, box: SecretBox, receiver: WebhookReceiver, args: argparse.Namespace) -> dict:
    """A buyer, its suppliers and subscriptions, and the queued events; returns path -> secret."""
    engine = create_engine(database_url)
    buyer, suppliers = uuid.uuid4(), [uuid.uuid4() for _ in range(args.suppliers)]
    with engine.begin() as conn:
        conn.execute(organisations.insert().values(id=buyer, name="bench buyer", kind="buyer"))
        conn.execute(supply_base.insert(), [{"buyer_id": buyer, "supplier_id": s} for s in suppliers])
    secret_by_path = {}
    for i in range(args.subscriptions):
        path = f"/bench/{i}"
        created = create_subscription(
            organisation_id=buyer,
            url=receiver.url(path),
            event_types=[ComplianceScoreChanged.event_type],
            supplier_ids=None,
            description=None,
            policy=POLICY,
            box=box,
            engine=engine,
        )
        secret_by_path[path] = created.secret
    for _ in range(args.events):
        for supplier in suppliers:
            data = ComplianceScoreChanged(
                supplier_id=supplier,
                year=2026,
                model_version="bench",
                score=Decimal("80.00"),
                band="Leading",
                reason="bench",
            )
            fan_out(
                Event(uuid.uuid4(), data.event_type, "/bench", datetime.now(UTC), None, data), engine=engine
            )
    with engine.connect() as conn:
        queued = conn.execute(select(func.count()).select_from(deliveries)).scalar_one()
    engine.dispose()
    print(f"queued {queued} deliveries", file=sys.stderr)
    return secret_by_path


def verified(receiver: WebhookReceiver, secret_by_path: dict[str, str]) -> int:
    good = 0
    for got in receiver.received:
        try:
            Webhook(secret_by_path[got.path]).verify(got.body, got.headers)
            good += 1
        except Exception as error:  # counted as a failure below
            print(f"verification failed on {got.path}: {error}", file=sys.stderr)
    return good


def run(args: argparse.Namespace) -> int:
    secret_key = secrets.token_urlsafe(32)
    box = SecretBox(secret_key)
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as tmp:
        postgres = PostgresServer(Path(tmp) / "postgres", port=free_port())
        postgres.start()
        receiver = WebhookReceiver().start()
        worker = None
        try:
            database_url = migrated_database(postgres, "gateway")
            secret_by_path = prepare(database_url, box, receiver, args)
            total = args.subscriptions * args.suppliers * args.events
            started = time.monotonic()
            worker = subprocess.Popen(
                [sys.executable, "-m", "gateway.cli", "deliver"],
                env=os.environ | worker_env(database_url, secret_key, args.concurrency),
            )
            receiver.wait_for(lambda _r: len(receiver.received) >= total, timeout_s=args.timeout)
            wall_s = time.monotonic() - started
            return report(receiver, secret_by_path, total, wall_s)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(30)
            receiver.stop()
            postgres.stop()


def report(receiver: WebhookReceiver, secret_by_path: dict[str, str], total: int, wall_s: float) -> int:
    arrivals = sorted(r.at for r in receiver.received)
    got = len(arrivals)
    span_s = arrivals[-1] - arrivals[0] if got > 1 else float("nan")
    good = verified(receiver, secret_by_path)
    print(f"subscriptions: {len(secret_by_path)}")
    print(f"deliveries expected {total}, received {got}, signature verified {good}")
    print(f"throughput: {got / span_s:.0f} signed deliveries/s (first to last arrival, {span_s:.2f} s)")
    print(f"wall time incl. worker start-up: {wall_s:.2f} s ({got / wall_s:.0f} deliveries/s)")
    return 0 if got >= total and good == got else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--suppliers", type=int, default=1, help="suppliers in the buyer's supply base")
    parser.add_argument("--events", type=int, default=5, help="events per supplier")
    parser.add_argument("--concurrency", type=int, default=32, help="the worker's DELIVERY_CONCURRENCY")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for the last webhook")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
