"""The unmeasured setup: tenants, a subscription, N registered suppliers in the buyer's supply base,
and their first (Unrated) scorecards made and fanned out, so the measured phase starts on a quiet system."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass

import httpx
import psycopg

from bench.e2e.lean_http import LeanHttpClient
from bench.e2e.stats import PROGRESS_EVERY_S, progress
from launcher.receiver import WebhookReceiver
from launcher.stack import Stack
from launcher.tenants import Tenant, Tenants
from shared.identifiers import USCC_ALPHABET, uscc_check_character

SCORE_CHANGED = "greenchain.compliance.score.changed.v1"
HOOK_PATH = "/hooks/bench"
REGISTER_CONCURRENCY = 8  # setup is not measured: as fast as the stack allows, without a pile-up
BULK_MAX = 1000  # POST /v1/supply-base/bulk takes up to 1,000 items


@dataclass(frozen=True)
class Prepared:
    platform: Tenant
    buyer: Tenant
    subscription_id: str
    supplier_ids: list[str]


def new_uscc() -> str:
    """A valid, unique USCC (9 = registered by the market regulator, 1 = enterprise)."""
    body = "91" + "".join(USCC_ALPHABET[b % 31] for b in uuid.uuid4().bytes[:15])
    return body + uscc_check_character(body)


def prepare(
    stack: Stack, receiver: WebhookReceiver, tenants: Tenants, count: int, timeout_s: float
) -> Prepared:
    """The platform admin registers `count` suppliers; a buyer subscribes and adds them to its supply base."""
    platform, buyer = tenants.platform_admin(), tenants.buyer("bench buyer")
    with httpx.Client(base_url=stack.url("gateway"), timeout=30) as gateway:
        subscription = {"url": receiver.url(HOOK_PATH), "event_types": [SCORE_CHANGED]}
        response = gateway.post("/v1/subscriptions", json=subscription, headers=buyer.headers)
        response.raise_for_status()
        subscription_id = str(response.json()["id"])
        progress(f"setup: registering {count} suppliers as the platform admin...")
        ids = asyncio.run(_register(stack.url("gateway"), platform.headers, count))
        for start in range(0, len(ids), BULK_MAX):
            items = [{"supplier_id": sid} for sid in ids[start : start + BULK_MAX]]
            added = gateway.post("/v1/supply-base/bulk", json={"items": items}, headers=buyer.headers)
            added.raise_for_status()
            if added.json()["failed"]:
                raise RuntimeError(f"supply base: {added.json()['failed']} additions failed")
    progress("setup: waiting for the first (Unrated) scorecards and their fan-out...")
    wait_quiet(stack, ids, timeout_s)
    return Prepared(platform, buyer, subscription_id, ids)


async def _register(base_url: str, headers: dict[str, str], count: int) -> list[str]:
    client = LeanHttpClient(base_url, headers)
    gate = asyncio.Semaphore(REGISTER_CONCURRENCY)

    async def one(index: int) -> str:
        body = {
            "legal_name": f"Bench Supplier {index} Co.", "country": "CN",
            "uscc": new_uscc(), "industry_code": "C3825",
        }  # fmt: skip
        async with gate:
            status, data = await client.send_json("POST", "/v1/suppliers", body)
        if status != 201:
            raise RuntimeError(f"registration failed: HTTP {status}: {data[:300].decode(errors='replace')}")
        return str(json.loads(data)["id"])

    try:
        return list(await asyncio.gather(*(one(i) for i in range(count))))
    finally:
        client.close()


QUIET_CHECKS = {
    "scorecards": ("scoring", "SELECT count(*) FROM scorecards WHERE supplier_id = ANY(%(ids)s::uuid[])"),
    "scoring events": ("scoring", "SELECT count(*) FROM outbox WHERE payload->>'supplier_id' = ANY(%(ids)s)"),
    "unpublished": ("scoring", "SELECT count(*) FROM outbox WHERE published_at IS NULL"),
    "fanned out": ("gateway", "SELECT count(*) FROM events WHERE supplier_id = ANY(%(ids)s::uuid[])"),
    "pending deliveries": ("gateway", "SELECT count(*) FROM deliveries WHERE status = 'pending'"),
}


def quiet_counts(stack: Stack, ids: list[str]) -> dict[str, int]:
    counts = {}
    for name, (service, sql) in QUIET_CHECKS.items():
        with psycopg.connect(stack.postgres.url(service, driver="postgresql")) as conn:
            row = conn.execute(sql, {"ids": ids}).fetchone()
            counts[name] = int(row[0]) if row else 0
    return counts


def wait_quiet(stack: Stack, ids: list[str], timeout_s: float) -> None:
    """Until every supplier has a scorecard, every scoring event is published and fanned out, and no
    delivery is pending: the measured phase must not share the machine with the setup's tail."""
    deadline = time.monotonic() + timeout_s
    next_tick = time.monotonic() + PROGRESS_EVERY_S
    while True:
        c = quiet_counts(stack, ids)
        if (
            c["scorecards"] == len(ids)
            and c["unpublished"] == 0
            and c["fanned out"] >= c["scoring events"]
            and c["pending deliveries"] == 0
        ):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"setup did not settle in {timeout_s:.0f} s: {c}")
        if time.monotonic() >= next_tick:
            progress(f"  {c}")
            next_tick += PROGRESS_EVERY_S
        time.sleep(0.5)
