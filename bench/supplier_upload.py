"""bench/supplier_upload: throughput of 1 MiB PDF certificate uploads through the supplier API.

Starts a real PostgreSQL (the launcher's embedded server) and the supplier API process (`supplier
serve`, as the launcher runs it) on free ports in a temporary directory, registers one supplier, then
submits N ISO 14001 credentials as multipart/form-data, each with a distinct, valid ~1 MiB PDF
generated with pypdf, from C concurrent clients. Every upload goes the whole way: streamed multipart
parsing with the size check, content sniffing and a full pypdf parse, sha256, the documents and
credentials rows plus the outbox event in one transaction, and the file in the local blob store.
Kafka is not needed (the outbox rows wait for a relay that is not started).

Run (from the repository root):

    uv run python bench/supplier_upload.py                      # 200 uploads, 4 clients
    uv run python bench/supplier_upload.py --uploads 500 --concurrency 8

Prints uploads/s, MiB/s and latency percentiles for one client (sequential baseline) and for C.
This is a benchmark, not a test: pytest never collects it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from pypdf import PdfWriter

from launcher.paths import REPO_ROOT, free_port, say
from launcher.postgres import PostgresServer
from shared.migrations import upgrade_to_head

MIB = 1024 * 1024
TOKEN = "bench-internal-token"


def make_pdf(size_bytes: int) -> bytes:
    """A valid one-page PDF of about `size_bytes`, unique (random padding as an attachment)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("certificate-annex.bin", os.urandom(size_bytes - 1200))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def start_api(database_url: str, blob_dir: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",  # never contacted
        "INTERNAL_TOKEN": TOKEN,
        "BLOB_DIR": str(blob_dir),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "supplier.cli", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO_ROOT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"the supplier API did not start; see {log}")


def credential() -> str:
    return json.dumps(
        {
            "type": "iso_14001",
            "number": f"BENCH-{uuid.uuid4().hex}",
            "issuer": "CQC",
            "standard": "ISO 14001:2015",
            "scope": "fasteners",
            "issued_on": "2025-01-10",
            "expires_on": "2028-01-09",
        }
    )


def run(url: str, supplier_id: str, pdfs: list[bytes], concurrency: int) -> dict[str, float]:
    endpoint = f"{url}/v1/suppliers/{supplier_id}/credentials"
    headers = {"Authorization": f"Bearer {TOKEN}"}

    def upload(pdf: bytes, client: httpx.Client) -> float:
        started = time.perf_counter()
        files = {
            "credential": (None, credential(), "application/json"),
            "document": ("c.pdf", pdf, "application/pdf"),
        }
        response = client.post(endpoint, files=files, headers=headers)
        if response.status_code != 201:
            raise SystemExit(f"upload failed: {response.status_code} {response.text[:500]}")
        return time.perf_counter() - started

    clients = [httpx.Client(timeout=60) for _ in range(concurrency)]
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            latencies = list(pool.map(lambda i: upload(pdfs[i], clients[i % concurrency]), range(len(pdfs))))
        elapsed = time.perf_counter() - started
    finally:
        for client in clients:
            client.close()
    latencies.sort()
    return {
        "uploads_per_s": len(pdfs) / elapsed,
        "mib_per_s": sum(len(p) for p in pdfs) / MIB / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=200, help="measured uploads per run")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent clients of the second run")
    parser.add_argument("--size-mib", type=float, default=1.0)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    postgres = PostgresServer(work / "postgres", port=free_port())
    api = None
    try:
        say("starting PostgreSQL and the supplier API...")
        postgres.start()
        postgres.create_database("supplier")
        upgrade_to_head(REPO_ROOT / "services" / "supplier" / "alembic.ini", postgres.url("supplier"))
        api, url = start_api(postgres.url("supplier"), work / "blobs", work / "supplier-api.log")
        supplier = httpx.post(
            f"{url}/v1/suppliers",
            headers={"Authorization": f"Bearer {TOKEN}"},
            json={
                "legal_name": "Bench Co",
                "country": "DE",
                "registry_id": "DE:BENCH 1",
                "industry_code": "C3825",
            },
        )
        supplier.raise_for_status()
        supplier_id = supplier.json()["id"]
        size = int(args.size_mib * MIB)
        say(f"generating {2 * args.uploads + 10} distinct PDFs of {size} bytes...")
        pdfs = [make_pdf(size) for _ in range(2 * args.uploads + 10)]
        run(url, supplier_id, pdfs[:10], 2)  # warm-up: connections, pools, pypdf import
        print(f"supplier upload throughput, {args.uploads} PDFs of {len(pdfs[0]) / MIB:.2f} MiB each")
        for concurrency, batch in (
            (1, pdfs[10 : 10 + args.uploads]),
            (args.concurrency, pdfs[10 + args.uploads :]),
        ):
            figures = run(url, supplier_id, batch, concurrency)
            print(
                f"  {concurrency} client(s): {figures['uploads_per_s']:7.1f} uploads/s  "
                f"{figures['mib_per_s']:7.1f} MiB/s  "
                f"p50 {figures['p50_ms']:6.1f} ms  p95 {figures['p95_ms']:6.1f} ms"
            )
    finally:
        if api is not None:
            api.terminate()
            api.wait(timeout=30)
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
