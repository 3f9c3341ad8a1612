"""The measured phase: one performance report per supplier at the offered rate (open loop), and the
score-changed webhook that follows each."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.e2e.lean_http import LeanHttpClient
from bench.e2e.setup_phase import HOOK_PATH, SCORE_CHANGED
from bench.e2e.stats import PROGRESS_EVERY_S, progress
from launcher.receiver import WebhookReceiver

# The figures the scoring model uses (services/scoring/tests/integration/conftest.py GOOD_FIGURES),
# in the supplier API's shape: a full, plausible year that scores as rated.
FIGURES = {
    "value_added_cny": "100000000", "scope1_tco2e": "2500", "scope2_market_tco2e": "1500",
    "energy_kgce": "1500000", "renewable_electricity_share_pct": "30", "water_intake_m3": "120000",
    "water_reuse_pct": "75", "solid_waste_generated_t": "1000", "solid_waste_utilised_t": "900",
    "green_material_use_rate_pct": "50", "recycled_content_pct": "30", "tier1_spend_audited_pct": "80",
    "low_risk_suppliers_pct": "80", "rohs_reach_declared_parts_pct": "100", "product_takeback_pct": "20",
    "packaging_recovery_pct": "50",
}  # fmt: skip


def report_body(index: int) -> dict[str, object]:
    """A year of figures; the renewable share varies so suppliers do not all tie."""
    values = FIGURES | {"renewable_electricity_share_pct": str(20 + index % 40)}
    body: dict[str, object] = {name: {"value": value, "tier": "primary"} for name, value in values.items()}
    body["pollutants_pct_of_limit"] = {"cod": {"value": "40", "tier": "primary"}}
    return body


@dataclass
class Change:
    index: int
    supplier_id: str
    scheduled: float  # monotonic: when the open-loop schedule wanted the request sent
    sent: float  # monotonic: when it was sent
    responded: float  # monotonic: when the response was complete
    error: str | None


class Changer:
    """Sends `PUT /v1/suppliers/{id}/performance/{year}` from one event loop, cheaply (LeanHttpClient)."""

    def __init__(self, base_url: str, headers: dict[str, str], year: int) -> None:
        self.base_url, self.headers, self.year = base_url, headers, year
        self.results: list[Change] = []

    async def _change(self, client: LeanHttpClient, index: int, supplier_id: str, scheduled: float) -> Change:
        path = f"/v1/suppliers/{supplier_id}/performance/{self.year}"
        body = report_body(index)
        sent = time.monotonic()
        error = None
        try:
            status, data = await asyncio.wait_for(client.send_json("PUT", path, body), timeout=60)
            if status != 200:
                error = f"HTTP {status}: {data[:300].decode(errors='replace')}"
            elif json.loads(data).get("abnormal"):
                error = f"the year was flagged abnormal: {data[:300].decode(errors='replace')}"
        except (OSError, ValueError, asyncio.IncompleteReadError, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        result = Change(index, supplier_id, scheduled, sent, time.monotonic(), error)
        self.results.append(result)
        return result

    def one_by_one(self, supplier_ids: list[str]) -> list[Change]:
        """One change per supplier, each after the previous one answered (for the warm-up)."""

        async def run() -> list[Change]:
            client = LeanHttpClient(self.base_url, self.headers)
            try:
                return [
                    await self._change(client, -1 - i, sid, time.monotonic())
                    for i, sid in enumerate(supplier_ids)
                ]
            finally:
                client.close()

        return asyncio.run(run())

    def open_loop(self, supplier_ids: list[str], rate: float, tick: Callable[[int], None]) -> list[Change]:
        """Change i starts at t0 + i/rate, whether or not earlier ones have answered."""

        async def run() -> list[Change]:
            client = LeanHttpClient(self.base_url, self.headers)
            tasks = []
            try:
                t0 = time.monotonic() + 0.05
                next_tick = t0 + PROGRESS_EVERY_S
                for i, sid in enumerate(supplier_ids):
                    scheduled = t0 + i / rate
                    delay = scheduled - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    tasks.append(asyncio.create_task(self._change(client, i, sid, scheduled)))
                    if time.monotonic() >= next_tick:
                        tick(i + 1)
                        next_tick += PROGRESS_EVERY_S
                while not all(task.done() for task in tasks):
                    await asyncio.wait(tasks, timeout=PROGRESS_EVERY_S)
                    tick(len(supplier_ids))
                return [task.result() for task in tasks]
            finally:
                client.close()

        return asyncio.run(run())


class Arrivals:
    """Supplier id → first arrival (monotonic) of a score-changed webhook with a score for `year`
    (the first, Unrated card has none), parsed incrementally."""

    def __init__(self, receiver: WebhookReceiver, year: int) -> None:
        self.receiver, self.year = receiver, year
        self.first: dict[str, float] = {}
        self._parsed = 0

    def update(self) -> dict[str, float]:
        new = self.receiver.received[self._parsed :]  # the receiver only appends
        self._parsed += len(new)
        for request in new:
            if request.path != HOOK_PATH:
                continue
            body = json.loads(request.body)
            data = body.get("data", {})
            if body.get("type") == SCORE_CHANGED and data.get("year") == self.year and data.get("score"):
                self.first.setdefault(str(data["supplier_id"]), request.at)
        return self.first

    def wait_for(self, ids: set[str], timeout_s: float) -> dict[str, float]:
        """Wait until every id in `ids` has its webhook (or the timeout); returns their arrivals."""
        deadline = time.monotonic() + timeout_s
        next_tick = time.monotonic() + PROGRESS_EVERY_S
        while True:
            arrived = self.update()
            have = len(ids & arrived.keys())
            if have == len(ids) or time.monotonic() > deadline:
                return {k: v for k, v in arrived.items() if k in ids}
            if time.monotonic() >= next_tick:
                progress(f"  waiting for webhooks: {have}/{len(ids)}")
                next_tick += PROGRESS_EVERY_S
            time.sleep(0.05)
