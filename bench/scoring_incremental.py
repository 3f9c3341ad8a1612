"""bench/scoring_incremental: how many supplier events per second the scoring consumer rescores.

Starts a real PostgreSQL and a real Kafka broker with the launcher's own classes (infra/launcher:
the same `Stack` as `greenchain up`, but only the pieces this needs), migrates the scoring
database, seeds its read model with a synthetic population (bench/scoring_population.py, COPY via
bench/scoring_seed.py) and scores that population once with `rescore_year`, so every event lands
in a ranked year. Then it starts the real consumer process (`python -m scoring.cli consume`), waits
for one warm-up event, and produces N `PerformanceReported` events (a new version of an existing
supplier's report for the year, one figure changed) to `supplier.events`, all at once.

    throughput = N / (time the last event is recorded in processed_events - first send)

Each event is a full rescore of that supplier-year in one transaction: read-model upsert, read of
the supplier's record, score, scorecard write, incremental positions of the year (overall and in
the industry), outbox rows and the processed-event mark. The relay is not started: outbox rows
wait in the table, which does not slow the consumer.

    uv run python bench/scoring_incremental.py                          # 20,000 suppliers, 2,000 events
    uv run python bench/scoring_incremental.py --suppliers 100000 --events 5000

This is a benchmark, not a test: pytest never collects it (see bench/README.md).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, create_engine, func, select

from bench.scoring_population import generate
from bench.scoring_seed import figures_json, seed_read_model
from launcher.kafka import load_topics
from launcher.paths import REPO_ROOT
from launcher.stack import Ports, Stack, StackConfig
from scoring.adapters.orm import outbox, processed_events
from scoring.domain import SupplierYearFacts
from scoring.service_layer.rescoring import rescore_year
from shared.contracts import SUPPLIER_EVENTS
from shared.contracts.supplier import PerformanceReported
from shared.events import encode, kafka_headers
from shared.kafka import make_producer
from shared.migrations import upgrade_to_head

ALEMBIC_INI = REPO_ROOT / "services" / "scoring" / "alembic.ini"
CHANGED_METRIC = "renewable_electricity_share_pct"


def start(stack: Stack) -> None:
    """PostgreSQL, Kafka and the scoring database at head; the consumer is started later."""
    stack.postgres.start()
    stack.postgres.create_database("scoring")
    stack.kafka.start()
    stack.kafka.create_topics(load_topics())
    upgrade_to_head(ALEMBIC_INI, stack.database_url("scoring"))
    Path(stack.env("scoring")["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
    stack.logs_dir.mkdir(parents=True, exist_ok=True)


def report_event(facts: SupplierYearFacts, version: int, rng: random.Random) -> tuple[str, bytes, list]:
    """A new version of the supplier's report for the year with one figure changed, as a Kafka record."""
    figures = figures_json(facts) | {
        CHANGED_METRIC: {"value": f"{rng.uniform(0, 60):.2f}", "tier": "primary"}
    }
    data = PerformanceReported(
        supplier_id=uuid.UUID(facts.supplier_id), year=facts.year, version=version, figures=figures
    )
    message = encode(
        event_id=uuid.uuid4(),
        event_type=data.event_type,
        source="/bench/scoring_incremental",
        time=datetime.now(UTC),
        key=facts.supplier_id,
        data=data.model_dump(mode="json"),
        correlation_id=None,
    )
    return message.key, message.value, kafka_headers(message)


def count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()  # type: ignore[arg-type]


def wait_for(engine: Engine, processed: int, timeout_s: float) -> float | None:
    """Monotonic time at which processed_events reached ``processed``; None on timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if count(engine, processed_events) >= processed:
            return time.monotonic()
        time.sleep(0.05)
    return None


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def produce(stack: Stack, population: list[SupplierYearFacts], n: int, seed: int) -> float:
    """Send n events for distinct existing suppliers; returns the monotonic time of the first send."""
    rng = random.Random(seed)
    chosen = rng.sample(population, n) if n <= len(population) else rng.choices(population, k=n)
    versions: dict[str, int] = {}
    records = []
    for facts in chosen:
        versions[facts.supplier_id] = versions.get(facts.supplier_id, 1) + 1  # the seed is version 1
        records.append(report_event(facts, versions[facts.supplier_id], rng))
    producer = make_producer(stack.kafka.bootstrap_servers)
    started = time.monotonic()
    for key, value, headers in records:
        producer.send(SUPPLIER_EVENTS, key=key.encode(), value=value, headers=headers)
    producer.flush()
    print(f"  produced {n:,} events in {time.monotonic() - started:.2f} s")
    producer.close()
    return started


def run(args: argparse.Namespace, stack: Stack) -> None:
    as_of = date(args.year + 1, 3, 31)
    population = list(generate(args.suppliers, seed=args.seed, year=args.year, as_of=as_of))
    url = stack.database_url("scoring")
    seed_read_model(url, population)
    engine = create_engine(url)
    started = time.monotonic()
    summary = rescore_year(year=args.year, engine=engine)  # judged on today, as the consumer will
    print(
        f"population: {summary.suppliers:,} suppliers seeded and rescored for {args.year} "
        f"in {time.monotonic() - started:.1f} s (not timed)"
    )
    stack.start_process("scoring", "consume")
    pid = stack.processes["scoring-consume"].pid
    produce(stack, population[:1], 1, args.seed + 1)  # warm-up: consumer group join, first connections
    if wait_for(engine, 1, timeout_s=120) is None:
        raise SystemExit(f"the consumer processed nothing in 120 s; see {stack.logs_dir}")
    outbox_before, cpu_before = count(engine, outbox), cpu_seconds(pid)
    print(f"measuring {args.events:,} PerformanceReported events for distinct existing suppliers")
    first_sent = produce(stack, population[1:], args.events, args.seed)  # [0] had the warm-up
    done = wait_for(engine, 1 + args.events, timeout_s=args.timeout)
    if done is None:
        processed = count(engine, processed_events) - 1
        raise SystemExit(f"only {processed:,} of {args.events:,} events processed in {args.timeout:.0f} s")
    elapsed, cpu = done - first_sent, cpu_seconds(pid) - cpu_before
    print(f"  processed {args.events:,} events in {elapsed:.2f} s: {args.events / elapsed:,.1f} events/s")
    print(
        f"  consumer CPU {cpu:.1f} s ({1000 * cpu / args.events:.1f} ms per event); "
        f"{count(engine, outbox) - outbox_before:,} outbox rows written"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suppliers", type=int, default=20_000, help="population in the read model")
    parser.add_argument("--events", type=int, default=2_000, help="events measured")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the last event")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.2f} at start")
    if load > 0.5 * (os.cpu_count() or 1):
        print("  warning: the machine is busy; figures will be slower than on an idle machine")
    run_dir = Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    stack = Stack(StackConfig(run_dir=run_dir, ports=Ports.free(), log_level="WARNING"))
    try:
        start(stack)
        run(args, stack)
    finally:
        stack.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
