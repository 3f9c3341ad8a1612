"""bench/e2e_latency: how long after the API answers does the webhook arrive?

Starts the whole local system (PostgreSQL, Kafka and every service process, exactly as `greenchain up`
and the test session do), subscribes a local webhook receiver, then registers N suppliers through the
public gateway at a steady rate (open loop: request i is sent at t0 + i/rate, whatever earlier requests
are doing). For each supplier it measures

    latency = webhook arrival at the local receiver - the gateway's 201 response

(both `time.monotonic()` in this process) and reports p50, p95, p99, max and throughput. In the same run,
on the same broker, it measures a raw kafka-python produce→consume round trip at the same rate and
prints our p50/p99 as a ratio to it. Finally it reads the services' own timestamps (outbox, processed
events, delivery attempts) to show where the time goes, stage by stage.

Target for later issues: p99 under 250 ms at 100 changes/s on the 2-core development machine.

Run (from the repository root; takes ~30 s to start the stack plus N/rate seconds):

    uv run python -m bench.e2e_latency                      # 500 suppliers at 100/s, 500 raw messages
    uv run python bench/e2e_latency.py --suppliers 200 --rate 50

This is a benchmark, not a test: pytest never collects it (see bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg
from kafka.admin import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError

from launcher.receiver import WebhookReceiver
from launcher.stack import Ports, Stack, StackConfig
from shared.identifiers import USCC_ALPHABET, uscc_check_character
from shared.kafka import make_consumer, make_producer

SCORE_CHANGED = "greenchain.compliance.score.changed.v1"
TARGET_P99_MS = 250.0
TARGET_RATE = 100.0
RAW_TOPIC = "bench.raw"
HOOK_PATH = "/hooks/bench"
DEV_TOKEN = "bench-token"  # the stack's development credential, valid for this run only
PROGRESS_EVERY_S = 2.0
IDLE_WINDOW_S = 3.0

# Same settings as the test session (conftest.py): webhooks to loopback over http, fast retries.
GATEWAY_ENV = {
    "WEBHOOK_ALLOW_HTTP": "true",
    "WEBHOOK_ALLOWED_NETWORKS": json.dumps(["127.0.0.0/8"]),
    "WEBHOOK_ANY_PORT": "true",
    "DELIVERY_RETRY_SCHEDULE_S": json.dumps([0, 0.5, 1, 2]),
}


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- statistics --------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (q in 0..100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class Summary:
    """Percentiles in milliseconds."""

    count: int
    p50: float
    p95: float
    p99: float
    max: float

    @classmethod
    def of_seconds(cls, values_s: Iterable[float]) -> Summary:
        ms = sorted(v * 1000 for v in values_s)
        top = ms[-1] if ms else math.nan
        return cls(len(ms), percentile(ms, 50), percentile(ms, 95), percentile(ms, 99), top)


# --- the open-loop schedule -----------------------------------------------------------------------


def open_loop(
    count: int, rate: float, submit: Callable[[int, float], None], tick: Callable[[int], None]
) -> float:
    """Call `submit(i, scheduled_at)` at t0 + i/rate from this thread; returns t0.

    A call that takes longer than 1/rate delays the next ones (the caller reports that slip); the
    schedule itself never shifts, so the calls after it catch up. `tick(i)` is called about every
    PROGRESS_EVERY_S for progress output. (The registrations use `Registrar.open_loop` instead,
    which never waits for a response.)
    """
    t0 = time.monotonic() + 0.05
    next_tick = t0 + PROGRESS_EVERY_S
    for i in range(count):
        scheduled = t0 + i / rate
        delay = scheduled - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        submit(i, scheduled)
        if time.monotonic() >= next_tick:
            tick(i + 1)
            next_tick += PROGRESS_EVERY_S
    return t0


# --- CPU: who uses the cores during the measured phase ------------------------------------------------


def _proc_stat(pid: int | str) -> tuple[int, float, float] | None:
    """(ppid, own CPU s, reaped children's CPU s) of a process from /proc (Linux), or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "; fields[0] is the state
    tick = os.sysconf("SC_CLK_TCK")
    own = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    children = (int(fields[13]) + int(fields[14])) / tick  # cutime + cstime (waited-for children)
    return int(fields[1]), own, children


def _machine_busy_s() -> float:
    """CPU seconds the whole machine spent busy since boot (all cores), from /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return math.nan
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    busy = sum(values[:8]) - idle  # user nice system idle iowait irq softirq steal; guest is in user
    return busy / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds per part of the system: each service process, Kafka, PostgreSQL (all backends),
    this benchmark (sender and receiver), and everything else on the machine."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    def _groups(self) -> dict[str, list[int]]:
        groups = {name: [process.pid] for name, process in self.stack.processes.items()}
        broker = getattr(self.stack.kafka, "_process", None)
        if broker is not None:
            groups["kafka broker"] = [broker.pid]
        groups["bench (sender, receiver)"] = [os.getpid()]
        return groups

    def _postgres_s(self) -> float:
        try:
            postmaster = int((self.stack.postgres.pgdata / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return math.nan
        stat = _proc_stat(postmaster)
        if stat is None:
            return math.nan
        total = stat[1] + stat[2]  # the postmaster and the backends that already exited
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (child := _proc_stat(entry.name)) and child[0] == postmaster:
                total += child[1]
        return total

    def snapshot(self) -> dict[str, float]:
        cpu = {}
        for name, pids in self._groups().items():
            stats = [_proc_stat(pid) for pid in pids]
            cpu[name] = sum(stat[1] for stat in stats if stat) if all(stats) else math.nan
        cpu["postgresql"] = self._postgres_s()
        cpu["machine"] = _machine_busy_s()
        cpu["wall"] = time.monotonic()
        return cpu

    @staticmethod
    def cpu_seconds(before: dict[str, float], after: dict[str, float]) -> tuple[dict[str, float], float]:
        """CPU seconds each part used between two snapshots, "other work" included; and the wall time."""
        used = {k: after[k] - before[k] for k in before if k not in ("wall", "machine") and k in after}
        ours = sum(v for v in used.values() if not math.isnan(v))
        used[OTHER_WORK] = max(after["machine"] - before["machine"] - ours, 0.0)
        return used, after["wall"] - before["wall"]


OTHER_WORK = "other work on this machine"


@dataclass(frozen=True)
class CpuRow:
    part: str
    idle_cores: float  # average cores used while the stack was idle, before the load
    load_cores: float  # average cores used from the first request to the last webhook
    ms_per_change: float  # CPU ms per measured change during the load


def cpu_table(
    idle: tuple[dict[str, float], float], load: tuple[dict[str, float], float], changes: int
) -> list[CpuRow]:
    (idle_s, idle_wall), (load_s, load_wall) = idle, load
    rows = [
        CpuRow(part, idle_s.get(part, math.nan) / idle_wall, used / load_wall, used / max(changes, 1) * 1000)
        for part, used in load_s.items()
    ]
    rows.sort(key=lambda r: (r.part == OTHER_WORK, -r.load_cores if not math.isnan(r.load_cores) else 0))
    total = CpuRow(
        "whole machine",
        sum(r.idle_cores for r in rows if not math.isnan(r.idle_cores)),
        sum(r.load_cores for r in rows if not math.isnan(r.load_cores)),
        sum(r.ms_per_change for r in rows if r.part != OTHER_WORK and not math.isnan(r.ms_per_change)),
    )
    return [*rows, total]


def machine_busy_cores(seconds: float = 1.0) -> float:
    """Average cores the whole machine is using right now, over `seconds`."""
    before = _machine_busy_s()
    time.sleep(seconds)
    return (_machine_busy_s() - before) / seconds


# --- the system under test ------------------------------------------------------------------------


def new_uscc() -> str:
    """A valid, unique USCC (9 = registered by the market regulator, 1 = enterprise)."""
    body = "91" + "".join(USCC_ALPHABET[b % 31] for b in uuid.uuid4().bytes[:15])
    return body + uscc_check_character(body)


@dataclass
class Registration:
    index: int
    scheduled: float  # monotonic: when the open-loop schedule wanted the request sent
    sent: float  # monotonic: when it was sent
    responded: float  # monotonic: when the response was complete
    supplier_id: str | None
    error: str | None


class LeanHttpClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: JSON POSTs, Content-Length responses.

    The load generator shares the cores with the system under test: httpx.AsyncClient costs ~2.2 ms of
    CPU per request (~0.2 cores at 100/s), this ~0.3 ms.
    """

    IDLE_MAX_S = 2.0  # well under uvicorn's 5 s keep-alive timeout: never reuse a connection it closes

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        url = urlsplit(base_url)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self._head = f"Host: {self.host}:{self.port}\r\nContent-Type: application/json\r\n{extra}"
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        now = time.monotonic()
        while self._idle:
            reader, writer, since = self._idle.pop()
            if now - since < self.IDLE_MAX_S and not reader.at_eof():
                return reader, writer
            writer.close()
        return await asyncio.open_connection(self.host, self.port)

    async def post_json(self, path: str, body: object) -> tuple[int, bytes]:
        payload = json.dumps(body).encode()
        request = f"POST {path} HTTP/1.1\r\n{self._head}Content-Length: {len(payload)}\r\n\r\n".encode()
        reader, writer = await self._connection()
        try:
            writer.write(request + payload)
            status = int((await reader.readline()).split()[1])
            length, keep_alive = 0, True
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                name, value = name.strip().lower(), value.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value == "close":
                    keep_alive = False
                elif name == "transfer-encoding":
                    raise ValueError(f"unsupported transfer-encoding {value}")
            data = await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        if keep_alive:
            self._idle.append((reader, writer, time.monotonic()))
        else:
            writer.close()
        return status, data

    def close(self) -> None:
        for _, writer, _ in self._idle:
            writer.close()
        self._idle.clear()


class Registrar:
    """Registers suppliers through the gateway from one event loop, cheaply (see LeanHttpClient)."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.headers = {"Authorization": f"Bearer {token}"}
        self.results: list[Registration] = []

    async def _register(self, client: LeanHttpClient, index: int, scheduled: float) -> Registration:
        body = {
            "legal_name": f"Bench Supplier {index} Co.", "country": "CN",
            "uscc": new_uscc(), "industry_code": "C3825",
        }  # fmt: skip
        sent = time.monotonic()
        supplier_id = error = None
        try:
            status, data = await asyncio.wait_for(client.post_json("/v1/suppliers", body), timeout=60)
            if status == 201:
                supplier_id = str(json.loads(data)["id"])
            else:
                error = f"HTTP {status}: {data[:200].decode(errors='replace')}"
        except (OSError, ValueError, asyncio.IncompleteReadError, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        result = Registration(index, scheduled, sent, time.monotonic(), supplier_id, error)
        self.results.append(result)
        return result

    def one_by_one(self, count: int) -> list[Registration]:
        """`count` registrations, each after the previous one answered (for the warm-up)."""

        async def run() -> list[Registration]:
            client = LeanHttpClient(self.base_url, self.headers)
            try:
                return [await self._register(client, -1 - i, time.monotonic()) for i in range(count)]
            finally:
                client.close()

        return asyncio.run(run())

    def open_loop(self, count: int, rate: float, tick: Callable[[int], None]) -> list[Registration]:
        """Registration i starts at t0 + i/rate, whether or not earlier ones have answered."""

        async def run() -> list[Registration]:
            client = LeanHttpClient(self.base_url, self.headers)
            tasks = []
            try:
                t0 = time.monotonic() + 0.05
                next_tick = t0 + PROGRESS_EVERY_S
                for i in range(count):
                    scheduled = t0 + i / rate
                    delay = scheduled - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    tasks.append(asyncio.create_task(self._register(client, i, scheduled)))
                    if time.monotonic() >= next_tick:
                        tick(i + 1)
                        next_tick += PROGRESS_EVERY_S
                while not all(task.done() for task in tasks):
                    await asyncio.wait(tasks, timeout=PROGRESS_EVERY_S)
                    tick(count)
                return [task.result() for task in tasks]
            finally:
                client.close()

        return asyncio.run(run())


class Arrivals:
    """Supplier id → first arrival (monotonic) of its score-changed webhook, parsed incrementally."""

    def __init__(self, receiver: WebhookReceiver) -> None:
        self.receiver = receiver
        self.first: dict[str, float] = {}
        self._parsed = 0

    def update(self) -> dict[str, float]:
        new = self.receiver.received[self._parsed :]  # the receiver only appends
        self._parsed += len(new)
        for request in new:
            if request.path != HOOK_PATH:
                continue
            body = json.loads(request.body)
            if body.get("type") == SCORE_CHANGED:
                self.first.setdefault(str(body["data"]["supplier_id"]), request.at)
        return self.first

    def wait_for(self, ids: set[str], timeout_s: float) -> dict[str, float]:
        """Wait until every id in `ids` has a webhook (or the timeout); returns their arrivals."""
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


@dataclass
class E2EResult:
    suppliers: int
    rate_target: float
    rate_achieved: float
    schedule_slip_max_ms: float
    errors: int
    first_error: str | None
    missing_webhooks: int
    api_response: Summary  # request sent → 201 received
    latency: Summary  # 201 received → webhook arrived
    throughput: float  # webhooks / (last webhook arrival - first request sent)
    cpu: list[CpuRow]
    registrations: list[Registration]
    webhook_at: dict[str, float]


def run_e2e(stack: Stack, receiver: WebhookReceiver, args: argparse.Namespace) -> E2EResult:
    meter = CpuMeter(stack)
    headers = {"Authorization": f"Bearer {stack.config.dev_api_token}"}
    with httpx.Client(base_url=stack.url("gateway"), headers=headers, timeout=30) as gateway:
        subscription = {"url": receiver.url(HOOK_PATH), "event_types": [SCORE_CHANGED]}
        response = gateway.post("/v1/subscriptions", json=subscription)
        response.raise_for_status()

    registrar = Registrar(stack.url("gateway"), stack.config.dev_api_token)
    webhooks = Arrivals(receiver)
    if args.warmup:
        progress(f"warm-up: {args.warmup} registrations (not measured)...")
        warm = registrar.one_by_one(args.warmup)
        failed = [w.error for w in warm if w.error]
        if failed:
            raise RuntimeError(f"warm-up registration failed: {failed[0]}")
        got = webhooks.wait_for({w.supplier_id for w in warm if w.supplier_id}, args.drain_timeout)
        if len(got) < len(warm):
            raise RuntimeError(f"warm-up: {len(got)}/{len(warm)} webhooks in {args.drain_timeout} s")

    progress(f"measuring the idle stack's CPU for {IDLE_WINDOW_S:.0f} s...")
    idle_start = meter.snapshot()
    time.sleep(IDLE_WINDOW_S)
    cpu_idle = CpuMeter.cpu_seconds(idle_start, meter.snapshot())

    duration = args.suppliers / args.rate
    progress(f"registering {args.suppliers} suppliers at {args.rate:g}/s, open loop ({duration:.0f} s)")
    registrar.results = []
    before = len(receiver.received)
    cpu_load_start = meter.snapshot()

    def tick(submitted: int) -> None:
        answered, delivered = len(registrar.results), len(receiver.received) - before
        progress(f"  sent {submitted}/{args.suppliers}, answered {answered}, webhooks {delivered}")

    results = sorted(registrar.open_loop(args.suppliers, args.rate, tick), key=lambda r: r.index)
    ok = [r for r in results if r.supplier_id]
    errors = [r for r in results if r.error]
    progress(f"all {len(results)} requests answered ({len(errors)} failed); waiting for the webhooks...")
    webhook_at = webhooks.wait_for({r.supplier_id for r in ok if r.supplier_id}, args.drain_timeout)
    cpu_load = CpuMeter.cpu_seconds(cpu_load_start, meter.snapshot())

    measured = [r for r in ok if r.supplier_id in webhook_at]
    sends = [r.sent for r in results]
    span = max(sends) - min(sends) if len(sends) > 1 else 0
    last_webhook = max(webhook_at.values(), default=math.nan)
    return E2EResult(
        suppliers=len(results),
        rate_target=args.rate,
        rate_achieved=(len(sends) - 1) / span if span > 0 else math.nan,
        schedule_slip_max_ms=max((r.sent - r.scheduled) * 1000 for r in results) if results else math.nan,
        errors=len(errors),
        first_error=errors[0].error if errors else None,
        missing_webhooks=len(ok) - len(measured),
        api_response=Summary.of_seconds(r.responded - r.sent for r in ok),
        latency=Summary.of_seconds(webhook_at[str(r.supplier_id)] - r.responded for r in measured),
        throughput=len(measured) / (last_webhook - min(sends)) if measured else 0.0,
        cpu=cpu_table(cpu_idle, cpu_load, len(webhook_at)),
        registrations=results,
        webhook_at=webhook_at,
    )


# --- the raw Kafka baseline -----------------------------------------------------------------------


@dataclass
class RawResult:
    messages: int
    rate_achieved: float
    schedule_slip_max_ms: float
    missing: int
    latency: Summary  # producer.send() → the consumer's poll() returned the record


def run_raw_kafka(
    bootstrap_servers: str, count: int, rate: float, *, warmup: int, timeout_s: float
) -> RawResult:
    """Produce→consume on a dedicated 1-partition topic, with the services' producer and consumer settings.

    Each message is sent and flushed (as the outbox relay flushes each batch); the consumer polls in
    its own thread like the services' consumer loop, but neither decodes nor commits per record.
    """
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers.split(","), request_timeout_ms=15_000)
    try:
        topic = {RAW_TOPIC: {"num_partitions": 1, "replication_factor": 1}}
        admin.create_topics(topic, wait_for_metadata=True)
    except TopicAlreadyExistsError:
        pass
    finally:
        admin.close()

    group_id = f"bench-raw-{uuid.uuid4().hex[:8]}"
    consumer = make_consumer(bootstrap_servers, group_id=group_id, topics=[RAW_TOPIC])
    deadline = time.monotonic() + 30
    while not consumer.assignment():
        consumer.poll(timeout_ms=100)
        if time.monotonic() > deadline:
            raise RuntimeError("the raw-Kafka consumer got no partition in 30 s")
    producer = make_producer(bootstrap_servers)

    sent_at: dict[int, float] = {}
    scheduled_at: dict[int, float] = {}
    received_at: dict[int, float] = {}
    stop = threading.Event()

    def consume() -> None:
        while not stop.is_set():
            batch = consumer.poll(timeout_ms=500)
            now = time.monotonic()
            for records in batch.values():
                for record in records:
                    received_at.setdefault(int(record.value), now)

    def send(i: int, scheduled: float) -> None:
        scheduled_at[i] = scheduled
        sent_at[i] = time.monotonic()
        producer.send(RAW_TOPIC, value=str(i).encode())
        producer.flush()

    thread = threading.Thread(target=consume, name="raw-consumer", daemon=True)
    thread.start()
    try:
        for i in range(warmup):  # not measured: negative sequence numbers
            send(-1 - i, time.monotonic())
        progress(f"raw Kafka: {count} messages at {rate:g}/s on {RAW_TOPIC}...")

        def tick(produced: int) -> None:
            consumed = sum(k >= 0 for k in list(received_at))
            progress(f"  produced {produced}/{count}, consumed {consumed}")

        open_loop(count, rate, send, tick)
        deadline = time.monotonic() + timeout_s
        while sum(1 for i in range(count) if i in received_at) < count and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=5)
        producer.close(timeout=5)
        consumer.close(autocommit=False)

    measured = [i for i in range(count) if i in received_at]
    sends = [sent_at[i] for i in range(count)]
    span = max(sends) - min(sends) if count > 1 else 0
    return RawResult(
        messages=count,
        rate_achieved=(count - 1) / span if span > 0 else math.nan,
        schedule_slip_max_ms=max((sent_at[i] - scheduled_at[i]) * 1000 for i in range(count)),
        missing=count - len(measured),
        latency=Summary.of_seconds(received_at[i] - sent_at[i] for i in measured),
    )


# --- where the time goes ------------------------------------------------------------------------------


STAGES = (
    ("supplier: registration tx → relay's Kafka ack", "registered", "supplier_published"),
    ("Kafka → scoring consumer starts handling", "supplier_published", "scored"),
    ("scoring: handler tx + relay → Kafka ack", "scored", "scoring_published"),
    ("Kafka → gateway consumer starts fan-out", "scoring_published", "fanned_out"),
    ("gateway: fan-out tx → delivery POST starts", "fanned_out", "post_started"),
    ("POST → receiver records it", "post_started", "arrived"),
    ("(registration tx → API response)", "registered", "responded"),
    ("(registration tx → webhook arrival)", "registered", "arrived"),
)


def _query(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def stage_breakdown(stack: Stack, e2e: E2EResult, wall_offset: float) -> list[tuple[str, Summary]]:
    """Per-stage latencies from the timestamps the services record (one machine, one wall clock).

    registered: supplier outbox created_at (the registration transaction's start);
    supplier_published / scoring_published: outbox published_at (set after the broker acknowledged);
    scored / fanned_out: processed_events.processed_at (the consumer handler's transaction start);
    post_started: the first delivery attempt's attempted_at minus its latency_ms.
    """
    url = {s: stack.postgres.url(s, driver="postgresql") for s in ("supplier", "scoring", "gateway")}
    outbox_sql = "SELECT payload->>'supplier_id', event_id, created_at, published_at FROM outbox"
    supplier_outbox = {row[0]: row[1:] for row in _query(url["supplier"], outbox_sql)}
    scoring_processed = dict(_query(url["scoring"], "SELECT event_id, processed_at FROM processed_events"))
    scoring_outbox = {row[0]: row[1:] for row in _query(url["scoring"], outbox_sql)}
    gateway_processed = dict(_query(url["gateway"], "SELECT event_id, processed_at FROM processed_events"))
    first_attempts = {
        str(row[0]): row[1:]
        for row in _query(
            url["gateway"],
            "SELECT DISTINCT ON (e.supplier_id) e.supplier_id, a.attempted_at, a.latency_ms"
            " FROM deliveries d JOIN events e ON e.id = d.event_id"
            " JOIN delivery_attempts a ON a.delivery_id = d.id"
            " ORDER BY e.supplier_id, a.attempted_at",
        )
    }

    samples: dict[str, list[float]] = {label: [] for label, _, _ in STAGES}
    for registration in e2e.registrations:
        sid = registration.supplier_id
        if sid is None or sid not in e2e.webhook_at:
            continue
        try:
            supplier_event, registered, supplier_published = supplier_outbox[sid]
            scoring_event, _, scoring_published = scoring_outbox[sid]
            attempted_at, attempt_ms = first_attempts[sid]
            points = {
                "registered": registered.timestamp(),
                "supplier_published": supplier_published.timestamp(),
                "scored": scoring_processed[supplier_event].timestamp(),
                "scoring_published": scoring_published.timestamp(),
                "fanned_out": gateway_processed[scoring_event].timestamp(),
                "post_started": attempted_at.timestamp() - attempt_ms / 1000,
                "responded": registration.responded + wall_offset,
                "arrived": e2e.webhook_at[sid] + wall_offset,
            }
        except (KeyError, AttributeError):  # AttributeError: a row not published (None) yet
            continue
        for label, start, end in STAGES:
            samples[label].append(points[end] - points[start])
    return [(label, Summary.of_seconds(values)) for label, values in samples.items()]


# --- the report -------------------------------------------------------------------------------------


def _row(label: str, s: Summary, width: int = 46) -> str:
    return f"  {label:<{width}} {s.p50:8.1f} {s.p95:8.1f} {s.p99:8.1f} {s.max:8.1f}"


def report(
    e2e: E2EResult, raw: RawResult | None, stages: list[tuple[str, Summary]] | None, *, machine: str
) -> str:
    lines = [
        "",
        "greenchain bench/e2e_latency — gateway 201 response → webhook arrival at a local receiver",
        "",
        f"  machine                        {machine}",
        f"  suppliers registered (N)       {e2e.suppliers}"
        f"  ({e2e.errors} failed, {e2e.missing_webhooks} webhooks missing)",
        f"  rate target / achieved         {e2e.rate_target:g}/s / {e2e.rate_achieved:.1f}/s"
        f"  (schedule slip max {e2e.schedule_slip_max_ms:.1f} ms)",
        f"  throughput                     {e2e.throughput:.1f} webhooks/s"
        "  (webhooks / (last webhook - first request))",
        "",
        f"  {'latency (ms)':<46} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}",
        _row(f"ours: API response → webhook (n={e2e.latency.count})", e2e.latency),
        _row(f"(API request → response, n={e2e.api_response.count})", e2e.api_response),
    ]
    if raw is not None:
        lines += [
            _row(f"raw Kafka produce → consume (n={raw.latency.count})", raw.latency),
            f"  (raw: {raw.messages} messages at {raw.rate_achieved:.1f}/s, {raw.missing} missing,"
            f" schedule slip max {raw.schedule_slip_max_ms:.1f} ms)",
            "",
            f"  ratio ours/raw                 p50 {e2e.latency.p50 / raw.latency.p50:.1f}x"
            f"   p99 {e2e.latency.p99 / raw.latency.p99:.1f}x",
        ]
    met = e2e.latency.p99 < TARGET_P99_MS and e2e.missing_webhooks == 0 and e2e.errors == 0
    if e2e.rate_target >= TARGET_RATE:
        verdict = "MET" if met else "NOT MET"
    else:
        under = "p99 under" if met else "p99 NOT under"
        verdict = f"{under} {TARGET_P99_MS:.0f} ms, but offered {e2e.rate_target:g}/s, below the target rate"
    lines += [
        "",
        f"  target p99 < {TARGET_P99_MS:.0f} ms at {TARGET_RATE:.0f} changes/s:  {verdict}"
        f"  (p99 = {e2e.latency.p99:.1f} ms)",
    ]
    if e2e.schedule_slip_max_ms > 100:
        lines.append(
            f"  note: requests started up to {e2e.schedule_slip_max_ms:.0f} ms late (this process was"
            " starved of CPU), so the offered rate was not held exactly"
        )
    if e2e.first_error:
        lines.append(f"  first error: {e2e.first_error}")
    if stages:
        heading = "where the time goes (ms, from service timestamps)"
        lines += ["", f"  {heading:<46} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}"]
        lines += [_row(label, summary) for label, summary in stages]
    if e2e.cpu:
        heading = f"CPU (cores of {os.cpu_count()}; load: first request to last webhook)"
        lines += ["", f"  {heading:<46} {'idle':>8} {'load':>8} {'ms/change':>10}"]
        lines += [
            f"  {r.part:<46} {r.idle_cores:8.2f} {r.load_cores:8.2f} {r.ms_per_change:10.1f}" for r in e2e.cpu
        ]
    return "\n".join(lines) + "\n"


# --- main ------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.e2e_latency", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    add = parser.add_argument
    add("--suppliers", type=int, default=500, help="suppliers to register (default 500)")
    add("--rate", type=float, default=100.0, help="registrations (and raw messages) per second (default 100)")
    add("--raw-messages", type=int, default=500, help="raw Kafka round trips; 0 skips them (default 500)")
    add("--warmup", type=int, default=10, help="unmeasured registrations and messages first (default 10)")
    add("--drain-timeout", type=float, default=120.0, help="seconds to wait for webhooks (default 120)")
    add("--log-level", default="INFO", help="the services' log level (default INFO, as `greenchain up`)")
    add("--no-breakdown", action="store_true", help="skip the per-stage breakdown")
    add("--json", type=Path, help="also write the figures to this JSON file")
    add("--keep-run-dir", action="store_true", help="keep the stack's data and logs after the run")
    args = parser.parse_args(argv)
    if args.suppliers < 1 or args.rate <= 0 or args.raw_messages < 0:
        parser.error("--suppliers must be >= 1, --rate > 0, --raw-messages >= 0")
    return args


def _interrupt_on_sigterm() -> None:
    def handler(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _interrupt_on_sigterm()
    wall_offset = time.time() - time.monotonic()
    busy_before = machine_busy_cores()
    if busy_before > 0.2:
        progress(
            f"warning: {busy_before:.2f} cores already busy before starting; other work will skew the figures"
        )
    run_dir = Path(tempfile.mkdtemp(prefix="greenchain-bench-"))
    receiver = WebhookReceiver().start()
    stack = Stack(StackConfig(run_dir=run_dir, ports=Ports.free(), dev_api_token=DEV_TOKEN,
                              gateway_env=GATEWAY_ENV, log_level=args.log_level))  # fmt: skip
    try:
        progress(f"starting the stack in {run_dir} (PostgreSQL, Kafka, 8 service processes; ~30 s)...")
        started = time.monotonic()
        stack.start()
        progress(f"stack ready in {time.monotonic() - started:.1f} s")

        e2e = run_e2e(stack, receiver, args)
        raw = None
        if args.raw_messages:
            raw = run_raw_kafka(
                stack.kafka.bootstrap_servers, args.raw_messages, args.rate,
                warmup=args.warmup, timeout_s=args.drain_timeout,
            )  # fmt: skip
        stages = None
        if not args.no_breakdown:
            progress("reading the services' timestamps for the breakdown...")
            stages = stage_breakdown(stack, e2e, wall_offset)
        dead = stack.dead_processes()
        if dead:
            progress(f"warning: service processes died: {', '.join(dead)}; see {stack.logs_dir}")
    except KeyboardInterrupt:
        progress("interrupted; stopping the stack...")
        return 130
    finally:
        progress("stopping the stack...")
        stack.stop()
        receiver.stop()
        if args.keep_run_dir:
            progress(f"kept data and logs in {run_dir}")
        else:
            shutil.rmtree(run_dir, ignore_errors=True)

    machine = f"{os.cpu_count()} CPUs, {busy_before:.2f} cores busy just before the stack started"
    print(report(e2e, raw, stages, machine=machine), flush=True)
    if args.json:
        figures = {
            "e2e": {k: v for k, v in asdict(e2e).items() if k not in ("registrations", "webhook_at")},
            "raw_kafka": asdict(raw) if raw else None,
            "stages": {label: asdict(summary) for label, summary in stages} if stages else None,
        }
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if e2e.errors == 0 and e2e.missing_webhooks == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
