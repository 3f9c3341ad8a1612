"""The whole local system: PostgreSQL, Kafka, migrations, and every service process.

Used by `greenchain up` (fixed ports, persistent data in .run/) and by the test session (free ports,
a temporary directory), so both run exactly the same processes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from launcher.kafka import KafkaBroker, load_topics
from launcher.paths import REPO_ROOT, ProcessFailed, free_port, log_tail, say
from launcher.postgres import PostgresServer
from launcher.tenants import DEV_CLIENTS_FILE, DevClient

SERVICES = ("supplier", "scoring", "gateway")
# Every long-running process, as (service, command); the API is `serve`.
PROCESSES: tuple[tuple[str, str], ...] = (
    ("supplier", "serve"),
    ("supplier", "relay"),
    ("supplier", "importer"),
    ("supplier", "scheduler"),
    ("scoring", "serve"),
    ("scoring", "consume"),
    ("scoring", "relay"),
    ("gateway", "serve"),
    ("gateway", "consume"),
    ("gateway", "deliver"),
)


@dataclass
class Ports:
    gateway: int = 8000
    supplier: int = 8001
    scoring: int = 8002
    kafka: int = 9092
    kafka_controller: int = 9093
    postgres: int = 55432

    @classmethod
    def free(cls) -> Ports:
        return cls(*(free_port() for _ in range(6)))


@dataclass
class StackConfig:
    run_dir: Path
    ports: Ports = field(default_factory=Ports)
    internal_token: str = field(default_factory=lambda: os.urandom(24).hex())
    # Signs the gateway's access tokens; fresh per start, so tokens never outlive the stack that issued them.
    token_signing_key: str = field(default_factory=lambda: os.urandom(32).hex())
    # Encrypts webhook signing secrets at rest; kept in the run directory, since the database outlives
    # a restart and a new key would make every stored secret unreadable.
    webhook_secret_key: str | None = None
    gateway_env: dict[str, str] = field(default_factory=dict)
    log_level: str = "INFO"


class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        ports = config.ports
        self.postgres = PostgresServer(config.run_dir / "postgres", port=ports.postgres)
        self.kafka = KafkaBroker(
            config.run_dir / "kafka", port=ports.kafka, controller_port=ports.kafka_controller
        )
        self.logs_dir = config.run_dir / "logs"
        self.webhook_secret_key = config.webhook_secret_key or _kept_secret(
            config.run_dir / "webhook-secret.key"
        )
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{getattr(self.config.ports, service)}"

    def database_url(self, service: str) -> str:
        return self.postgres.url(service)

    def env(self, service: str) -> dict[str, str]:
        """The environment a service's processes read their settings from."""
        env = {
            "DATABASE_URL": self.database_url(service),
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka.bootstrap_servers,
            "INTERNAL_TOKEN": self.config.internal_token,
            "LOG_LEVEL": self.config.log_level,
            "RELAY_POLL_INTERVAL_S": "1.0",
            "PROMETHEUS_MULTIPROC_DIR": str(self.config.run_dir / "metrics" / service),
        }
        if service == "supplier":
            env["BLOB_DIR"] = str(self.config.run_dir / "blobs")
        if service == "scoring":
            env |= {
                "GREENCODE_KEYS_DIR": str(self.config.run_dir / "greencode-keys"),
                "PUBLIC_BASE_URL": self.url("gateway"),
            }
        if service == "gateway":
            env |= {
                "SUPPLIER_URL": self.url("supplier"),
                "SCORING_URL": self.url("scoring"),
                "TOKEN_SIGNING_KEY": self.config.token_signing_key,
                "WEBHOOK_SECRET_KEY": self.webhook_secret_key,
            } | self.config.gateway_env
        return env

    def start(self) -> None:
        """Bring everything up; on failure, stop what started and raise with what to do."""
        try:
            self._reset_metrics_dirs()
            self._timed("PostgreSQL", self._start_postgres)
            self._timed("Kafka", self._start_kafka)
            self._timed("migrations", self._migrate)
            self._timed("services", self._start_services)
        except BaseException:
            self.stop()
            raise

    def _timed(self, what: str, step: object) -> None:
        say(f"starting {what}...")
        started = time.monotonic()
        step()  # type: ignore[operator]
        say(f"{what} ready in {time.monotonic() - started:.1f} s")

    def _start_postgres(self) -> None:
        self.postgres.start()
        for service in SERVICES:
            self.postgres.create_database(service)

    def _start_kafka(self) -> None:
        self.kafka.start()
        self.kafka.create_topics(load_topics())

    def _migrate(self) -> None:
        for service in SERVICES:
            result = subprocess.run(
                [sys.executable, "-m", f"{service}.cli", "migrate"],
                env=os.environ | self._without_metrics(self.env(service)),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise ProcessFailed(f"{service} migrations failed:\n{result.stderr[-3000:]}")

    def _reset_metrics_dirs(self) -> None:
        # Multi-process Prometheus files of a previous run would be reported as live.
        for service in SERVICES:
            metrics_dir = Path(self.env(service)["PROMETHEUS_MULTIPROC_DIR"])
            shutil.rmtree(metrics_dir, ignore_errors=True)
            metrics_dir.mkdir(parents=True)

    @staticmethod
    def _without_metrics(env: dict[str, str]) -> dict[str, str]:
        # One-shot commands must not leave metrics files behind that /metrics would report.
        return {k: v for k, v in env.items() if k != "PROMETHEUS_MULTIPROC_DIR"}

    def _start_services(self) -> None:
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        for service, command in PROCESSES:
            self.start_process(service, command)
        self.wait_ready()

    def start_process(self, service: str, command: str) -> None:
        args = [sys.executable, "-m", f"{service}.cli", command]
        if command == "serve":
            args += ["--port", str(getattr(self.config.ports, service))]
        log_path = self.logs_dir / f"{service}-{command}.log"
        with log_path.open("ab") as log:
            self.processes[f"{service}-{command}"] = subprocess.Popen(
                args, env=os.environ | self.env(service), stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT
            )

    def stop_process(self, name: str, *, sig: int = signal.SIGTERM, timeout_s: float = 20) -> None:
        """Signal one process (SIGKILL to simulate a crash) and wait for it to end."""
        process = self.processes[name]
        if process.poll() is None:
            process.send_signal(sig)
        self._reap(name, timeout_s)

    def _reap(self, name: str, timeout_s: float) -> None:
        process = self.processes.pop(name)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def wait_ready(self, timeout_s: float = 90) -> None:
        deadline = time.monotonic() + timeout_s
        for service in SERVICES:
            while not self._ready(service):
                self._check_alive()
                if time.monotonic() > deadline:
                    raise ProcessFailed(f"{service} was not ready in {timeout_s:.0f} s; see {self.logs_dir}")
                time.sleep(0.2)

    def _ready(self, service: str) -> bool:
        try:
            return httpx.get(f"{self.url(service)}/readyz", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def _check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                log = log_tail(self.logs_dir / f"{name}.log")
                raise ProcessFailed(f"{name} exited with {process.returncode}:\n{log}")

    def dead_processes(self) -> list[str]:
        return [name for name, process in self.processes.items() if process.poll() is not None]

    def stop(self) -> None:
        """SIGTERM every service process (each finishes what it acknowledged), then Kafka, then PostgreSQL."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # all at once: they stop in parallel
        for name in list(self.processes):
            self._reap(name, timeout_s=20)
        self.kafka.stop()
        self.postgres.stop()


def describe(stack: Stack, clients: list[DevClient]) -> str:
    """What a person needs to use the running system."""
    gateway = stack.url("gateway")
    lines = [
        "greenchain is running:",
        f"  gateway (public API)  {gateway}   docs: {gateway}/docs",
        f"  supplier (internal)   {stack.url('supplier')}",
        f"  scoring (internal)    {stack.url('scoring')}",
        f"  Kafka                 {stack.kafka.bootstrap_servers}",
        f"  PostgreSQL            {stack.postgres.url('gateway', driver='postgresql')}"
        " (and /supplier, /scoring)",
        f"  logs                  {stack.logs_dir}",
        f"Development API clients (saved in {stack.config.run_dir / DEV_CLIENTS_FILE}):",
        *(f"  {c.role:15} client_id {c.client_id}  secret {c.client_secret}" for c in clients),
        "Get a token (valid 15 minutes) and use it as 'Authorization: Bearer <access_token>':",
    ]
    if clients:
        admin = clients[0]
        lines.append(
            f"  curl -s -u {admin.client_id}:{admin.client_secret} -d grant_type=client_credentials "
            f"{gateway}/v1/oauth/token"
        )
    lines.append("Press Ctrl-C to stop everything.")
    return "\n".join(lines)


def _kept_secret(path: Path) -> str:
    """A random secret made once and kept (owner-only) in ``path``."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(os.urandom(32).hex())
    return path.read_text().strip()
