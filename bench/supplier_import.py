"""bench/supplier_import: bulk import throughput of yearly performance data, in rows per second.

Starts a real PostgreSQL with the project's launcher code, migrates the supplier database, and runs
the real `supplier serve` and `supplier importer` processes. It registers one supplier with 1,000
sites, then POSTs one CSV of N supplier-site-year rows (default 100,000; years 2001-2100 per site,
four figures with their tiers per row) in `best_effort` mode and polls the job until it finishes.

    rows/s = N / (job finished - POST sent)

end to end: upload, header check, job row, parsing, validation, plausibility checks, batched upserts
and one outbox event per stored year. Kafka is not started: the importer writes outbox rows and never
talks to the broker (publishing them is the relay's job, measured by bench/e2e_latency).

    uv run python bench/supplier_import.py                 # 100,000 rows
    uv run python bench/supplier_import.py --rows 20000
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from launcher.paths import REPO_ROOT, free_port
from launcher.postgres import PostgresServer
from launcher.testing import migrated_database

TOKEN = "bench-import-token"  # valid for this run's private processes only
SITES = 1000
FIGURES = ("energy_kgce", "value_added_cny", "scope1_tco2e", "renewable_electricity_share_pct")
HEADER = ",".join(["year", "site_id"] + [f"{name}{tier}" for name in FIGURES for tier in ("", "_tier")])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="data rows in the CSV (at most 100,000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as run_dir:
        postgres = PostgresServer(Path(run_dir) / "pg", port=free_port())
        postgres.start()
        processes: list[subprocess.Popen[bytes]] = []
        try:
            return run(postgres, Path(run_dir), processes, min(args.rows, SITES * 100))
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=30)
            postgres.stop()


def run(postgres: PostgresServer, run_dir: Path, processes: list[subprocess.Popen[bytes]], rows: int) -> int:
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": migrated_database(postgres, "supplier"),
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",  # never contacted
        "INTERNAL_TOKEN": TOKEN,
        "LOG_LEVEL": "WARNING",
        "IMPORT_POLL_INTERVAL_S": "0.1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    for command in (["serve", "--port", str(port)], ["importer"]):
        log = (run_dir / f"{command[0]}.log").open("ab")
        args = [sys.executable, "-m", "supplier.cli", *command]
        processes.append(subprocess.Popen(args, env=env, stdout=log, stderr=log, cwd=REPO_ROOT))
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {TOKEN}"}
    ) as api:
        wait_for(api)
        supplier_id, site_ids = prepare(api)
        payload = csv_payload(site_ids, rows)
        say(f"importing {rows:,} rows ({len(payload) / 2**20:.1f} MiB of CSV)...")
        started = time.monotonic()
        response = api.post(
            f"/v1/suppliers/{supplier_id}/imports",
            params={"kind": "performance", "mode": "best_effort"},
            content=payload,
            headers={"content-type": "text/csv"},
            timeout=120,
        )
        response.raise_for_status()
        accepted_after = time.monotonic() - started
        job = poll(api, response.headers["Location"])
        elapsed = time.monotonic() - started
    print(f"rows: {job['total_rows']:,} (accepted {job['accepted_rows']:,}, errors {job['error_count']})")
    print(f"upload answered 202 after {accepted_after:.2f} s; job {job['status']} after {elapsed:.2f} s")
    print(f"throughput: {job['accepted_rows'] / elapsed:,.0f} rows/s end to end")
    return 0 if job["status"] == "succeeded" and job["accepted_rows"] == rows else 1


def wait_for(api: httpx.Client) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if api.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("the supplier API did not start; see its log")


def prepare(api: httpx.Client) -> tuple[str, list[str]]:
    say(f"registering a supplier with {SITES} sites...")
    body = {
        "legal_name": "Bench Co",
        "country": "DE",
        "industry_code": "C3825",
        "registry_id": f"DE:{uuid.uuid4().hex}",
    }
    supplier_id = api.post("/v1/suppliers", json=body).raise_for_status().json()["id"]
    address = {"line": "1 Bench Road", "city": "Fuzhou", "country": "CN"}
    site_ids = [
        api.post(f"/v1/suppliers/{supplier_id}/sites", json={"name": f"Site {n}", "address": address})
        .raise_for_status()
        .json()["id"]
        for n in range(SITES)
    ]
    return supplier_id, site_ids


def csv_payload(site_ids: list[str], rows: int) -> bytes:
    lines = [HEADER]
    for n in range(rows):
        year = 2001 + n // len(site_ids)
        site = site_ids[n % len(site_ids)]
        lines.append(
            f"{year},{site},{120000 + n},primary,50000000,primary_verified,800,modelled,35.5,primary"
        )
    return ("\n".join(lines) + "\n").encode()


def poll(api: httpx.Client, location: str) -> dict:
    last = -1
    while True:
        job = api.get(location).json()
        if job["processed_rows"] // 20_000 != last // 20_000:
            say(
                f"  {job['status']}: {job['processed_rows']:,}/{job['total_rows']:,} ({job['progress_pct']}%)"
            )
            last = job["processed_rows"]
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.1)


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
