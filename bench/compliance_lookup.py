"""bench/compliance_lookup: compliance lookup throughput and p99 against /healthz of the same gateway.

Starts the whole local system with the launcher (PostgreSQL, Kafka, every service process, as
`greenchain up` does) on free ports, makes a buyer with a real token, registers N suppliers, adds them
to the buyer's supply base and waits until each has a scorecard. Then, in one run, it drives the same
gateway closed-loop with C concurrent keep-alive connections for D seconds per endpoint:

1. `GET /healthz` (the trivial baseline: no auth, no database, no upstream),
2. `GET /v1/compliance/{supplier_id}` (token check, supply-base check, scoring + supplier over httpx),
3. `POST /v1/compliance/lookup` with B suppliers per request,

and prints requests/s, p50/p99 latency, and each as a ratio to the baseline. Rate limits are raised
for the run (the bench measures lookup cost, not the limiter).

    uv run python -m bench.compliance_lookup                       # 50 suppliers, C=16, D=10 s, B=50
    uv run python bench/compliance_lookup.py --concurrency 32 --duration 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from launcher.stack import Ports, Stack, StackConfig
from launcher.tenants import Tenants
from launcher.testing import wait_until
from shared.identifiers import USCC_ALPHABET, uscc_check_character


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else math.nan


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def new_uscc() -> str:
    body = "91" + "".join(USCC_ALPHABET[b % 31] for b in uuid.uuid4().bytes[:15])
    return body + uscc_check_character(body)


async def drive(
    name: str,
    base_url: str,
    make: Callable[[int], httpx.Request | tuple],
    concurrency: int,
    duration_s: float,
) -> Result:
    """Closed loop: each of `concurrency` workers sends its next request when the last one answered."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as http:
        deadline = time.monotonic() + duration_s

        async def worker(offset: int) -> None:
            nonlocal errors
            i = offset
            while time.monotonic() < deadline:
                method, url, kwargs = make(i)  # type: ignore[misc]
                started = time.perf_counter()
                response = await http.request(method, url, **kwargs)
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code != 200
                i += concurrency

        started = time.monotonic()
        await asyncio.gather(*(worker(n) for n in range(concurrency)))
        elapsed = time.monotonic() - started
    return Result(name, len(latencies), errors, elapsed, latencies)


def prepare(stack: Stack, suppliers: int) -> tuple[dict[str, str], list[str]]:
    """A buyer holding `suppliers` scored suppliers; returns its auth headers and the supplier ids."""
    gateway = stack.url("gateway")
    with httpx.Client(base_url=gateway, timeout=60) as http:
        tenants = Tenants(stack.database_url("gateway"), http)
        platform, buyer = tenants.platform_admin(), tenants.buyer("bench buyer")
        ids, usccs = [], []
        for _ in range(suppliers):
            body = {
                "legal_name": "Bench Fasteners",
                "country": "CN",
                "uscc": new_uscc(),
                "industry_code": "C3482",
            }
            response = http.post("/v1/suppliers", json=body, headers=platform.headers)
            response.raise_for_status()
            ids.append(response.json()["id"])
            usccs.append(body["uscc"])
        added = http.post(
            "/v1/supply-base/bulk", json={"items": [{"uscc": u} for u in usccs]}, headers=buyer.headers
        )
        added.raise_for_status()
        headers = buyer.headers

        def all_scored() -> bool:
            found = http.post("/v1/compliance/lookup", json={"supplier_ids": ids}, headers=headers).json()
            return all(item["compliance"] and item["compliance"]["year"] for item in found["items"])

        if not wait_until(all_scored, timeout_s=120, interval_s=1):
            raise SystemExit("suppliers were not scored in time")
        tenants.close()
    return headers, ids


def report(results: list[Result], args: argparse.Namespace) -> dict:
    base = results[0]
    print(
        f"compliance lookup benchmark: {args.suppliers} suppliers, concurrency {args.concurrency}, "
        f"{args.duration:g} s per endpoint, batch {args.batch}"
    )
    print(
        f"{'endpoint':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'rps/base':>10}{'p99/base':>10}"
    )
    figures = {}
    for r in results:
        rate_ratio, p99_ratio = r.rate / base.rate, r.percentile(99) / base.percentile(99)
        print(
            f"{r.name:<34}{r.rate:>9.1f}{r.percentile(50):>9.1f}{r.percentile(99):>9.1f}{r.errors:>8}"
            f"{rate_ratio:>10.3f}{p99_ratio:>10.1f}"
        )
        figures[r.name] = {
            "rps": r.rate,
            "p50_ms": r.percentile(50),
            "p99_ms": r.percentile(99),
            "errors": r.errors,
            "rps_ratio": rate_ratio,
            "p99_ratio": p99_ratio,
        }
    batch = results[-1]
    print(f"batch lookup: {batch.rate * args.batch:.0f} supplier lookups/s")
    return figures


async def measure(
    stack: Stack, headers: dict[str, str], ids: list[str], args: argparse.Namespace
) -> list[Result]:
    base, c, d = stack.url("gateway"), args.concurrency, args.duration
    batch = {"supplier_ids": ids[: args.batch]}
    await drive(
        "warm-up", base, lambda i: ("GET", f"/v1/compliance/{ids[i % len(ids)]}", {"headers": headers}), c, 2
    )
    return [
        await drive("GET /healthz", base, lambda i: ("GET", "/healthz", {}), c, d),
        await drive(
            "GET /v1/compliance/{id}",
            base,
            lambda i: ("GET", f"/v1/compliance/{ids[i % len(ids)]}", {"headers": headers}),
            c,
            d,
        ),
        await drive(
            f"POST /v1/compliance/lookup ({len(batch['supplier_ids'])})",
            base,
            lambda i: ("POST", "/v1/compliance/lookup", {"headers": headers, "json": batch}),
            c,
            d,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-compliance-") as run_dir:
        config = StackConfig(
            run_dir=Path(run_dir),
            ports=Ports.free(),
            log_level="WARNING",
            gateway_env={"RATE_LIMIT_PER_S": "1000000", "RATE_LIMIT_BURST": "1000000"},
        )
        stack = Stack(config)
        if "WEBHOOK_SECRET_KEY" not in stack.env("gateway") and "WEBHOOK_SECRET_KEY" not in os.environ:
            config.gateway_env["WEBHOOK_SECRET_KEY"] = os.urandom(24).hex()
        stack.start()
        try:
            say(f"registering {args.suppliers} suppliers and waiting for their scorecards...")
            headers, ids = prepare(stack, args.suppliers)
            say("measuring...")
            figures = report(asyncio.run(measure(stack, headers, ids, args)), args)
        finally:
            stack.stop()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
