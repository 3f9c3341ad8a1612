"""bench/scoring_rescore: the yearly rescoring of a whole population, against the 30 s target.

Generates a seeded synthetic population (bench/scoring_population.py: 100,000 suppliers across 20
GB/T 4754 industries by default), then measures

  (a) pure computation: every scorecard (criteria model 2026.1) plus every position (rank,
      percentile and A+/A/B grade, overall and within each industry), first in this process
      keeping every scorecard, then with the scoring spread over forked worker processes that send
      back only each supplier's standing (scoring.service_layer.batch_scoring.score_population);
  (b) the full command, `scoring rescore --year`: scoring.service_layer.rescoring.rescore_year on a
      real PostgreSQL started by the launcher, its read model seeded in bulk from the same
      population (bench/scoring_seed.py); timed twice, on a fresh year (every scorecard new) and
      again (nothing changed).

Generation and seeding are not timed. Run from the repository root:

    uv run python bench/scoring_rescore.py                      # 100,000 suppliers, both parts
    uv run python bench/scoring_rescore.py --suppliers 20000 --skip-database

This is a benchmark, not a test: pytest never collects it (see bench/README.md).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scoring_population import generate
from launcher.paths import free_port
from launcher.postgres import PostgresServer
from launcher.testing import migrated_database
from scoring.domain import Standing, SupplierYearFacts, compute_positions, load_packaged_model
from scoring.service_layer.batch_scoring import paused_gc, score_population

TARGET_S = 30.0
TARGET_SUPPLIERS = 100_000
MODEL_VERSION = "2026.1"


def cpu_seconds() -> float:
    """CPU used by this process and its finished children (the forked workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, n: int, run: Callable[[], Any]) -> Any:
    """Run once and print wall time, throughput, CPU, and the ratio to the target for 100,000."""
    cpu, start = cpu_seconds(), time.perf_counter()
    result = run()
    wall, used = time.perf_counter() - start, cpu_seconds() - cpu
    at_target_size = wall * TARGET_SUPPLIERS / n  # linear: scoring is per supplier, positions n log n
    verdict = "MET" if at_target_size < TARGET_S else "NOT MET"
    projected = "" if n == TARGET_SUPPLIERS else f"{at_target_size:.1f} s projected for 100,000, "
    print(
        f"  {label:<40} {wall:7.2f} s {n / wall:8,.0f} suppliers/s  CPU {used:6.1f} s  "
        f"{projected}{at_target_size / TARGET_S:.2f} x the {TARGET_S:.0f} s target ({verdict})"
    )
    return result


def pure_compute(population: list[SupplierYearFacts], workers: int) -> None:
    model = load_packaged_model(MODEL_VERSION)
    n = len(population)
    print(f"(a) pure computation, model {MODEL_VERSION}: score + positions (overall and per industry)")

    def in_process() -> dict[str, Any]:
        cards = score_population(population, model)
        with paused_gc():
            return compute_positions(
                (s for c in cards if (s := Standing.from_scorecard(c))), model.grade_shares_pct
            )

    def in_workers() -> dict[str, Any]:
        standings = score_population(population, model, project=Standing.from_scorecard, workers=workers)
        with paused_gc():
            return compute_positions((s for s in standings if s), model.grade_shares_pct)

    positions = timed("1 process, every scorecard kept", n, in_process)
    parallel = timed(f"{workers} worker processes, standings sent back", n, in_workers)
    assert parallel == positions, "the workers' positions differ from the single process's"
    print(f"  {len(positions):,} of {n:,} suppliers ranked (the rest Unrated or with a failed gate)")


def full_command(population: list[SupplierYearFacts], year: int, as_of: date, workers: int | None) -> None:
    print("(b) full command: rescore_year on PostgreSQL (read, score, positions, COPY writes, green list)")
    try:
        from scoring.service_layer.rescoring import rescore_year
    except ImportError:
        print("  not available: scoring.service_layer.rescoring.rescore_year does not exist yet")
        return
    from sqlalchemy import create_engine

    from bench.scoring_seed import seed_read_model

    data_dir = Path(tempfile.mkdtemp(prefix="bench-rescore-pg-"))
    server = PostgresServer(data_dir, port=free_port())
    try:
        server.start()
        url = migrated_database(server, "scoring")
        started = time.perf_counter()
        seed_read_model(url, population)
        print(f"  read model seeded with COPY in {time.perf_counter() - started:.1f} s (not timed below)")
        engine = create_engine(url)
        options = {} if workers is None else {"workers": workers}
        for label in ("fresh year: every scorecard new", "again: nothing changed"):
            summary = timed(
                label, len(population), lambda: rescore_year(year=year, engine=engine, today=as_of, **options)
            )
            print(
                f"    {summary.changed:,} scorecards changed, {summary.events:,} events, green list "
                f"{summary.list_size:,} ({summary.entered:,} entered, {summary.exited:,} exited)"
            )
        engine.dispose()
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rescore-workers", type=int, default=None, help="rescore_year's workers in (b); default: its own"
    )
    parser.add_argument("--skip-database", action="store_true", help="only part (a)")
    parser.add_argument("--skip-compute", action="store_true", help="only part (b)")
    args = parser.parse_args()
    as_of = date(args.year + 1, 3, 31)
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.2f} at start")
    if load > 0.5 * (os.cpu_count() or 1):
        print("  warning: the machine is busy; figures will be slower than on an idle machine")
    started = time.perf_counter()
    population = list(generate(args.suppliers, seed=args.seed, year=args.year, as_of=as_of))
    industries = len({f.industry for f in population})
    print(
        f"population: {len(population):,} suppliers, {industries} industries, seed {args.seed}, year "
        f"{args.year} as of {as_of} (generated in {time.perf_counter() - started:.1f} s, not timed)"
    )
    if not args.skip_compute:
        pure_compute(population, args.workers)
    if not args.skip_database:
        full_command(population, args.year, as_of, args.rescore_workers)


if __name__ == "__main__":
    main()
