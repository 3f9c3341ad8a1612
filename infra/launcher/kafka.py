"""A real single-node Apache Kafka (KRaft) broker, run from Maven Central jars.

The jars are resolved by `mvn` into a git-ignored cache the first time they are needed,
so Java 17 and Maven are the only prerequisites.
"""

from __future__ import annotations

import base64
import contextlib
import shutil
import subprocess
import time
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

from kafka import KafkaAdminClient
from kafka.errors import KafkaError, TopicAlreadyExistsError

from launcher.paths import CACHE_DIR, INFRA_DIR, ProcessFailed, log_tail, say

KAFKA_DIR = INFRA_DIR / "kafka"
LIBS_DIR = CACHE_DIR / "kafka" / "libs"
TOPICS_FILE = INFRA_DIR / "topics.toml"
JVM_OPTIONS = [
    "-Xms256m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:ReservedCodeCacheSize=64m",
    "-Djava.awt.headless=true",
]
READY_LINE = b"Kafka Server started"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int

    @property
    def dead_letter(self) -> TopicSpec:
        return TopicSpec(f"{self.name}.dlq", 1)


def load_topics(path: Path = TOPICS_FILE) -> list[TopicSpec]:
    """Every topic of the system, each followed by its dead-letter topic."""
    data = tomllib.loads(path.read_text())
    topics = [TopicSpec(entry["name"], int(entry["partitions"])) for entry in data["topic"]]
    return [spec for topic in topics for spec in (topic, topic.dead_letter)]


def ensure_jars() -> Path:
    """Resolve the broker's jars with Maven unless they are already cached."""
    if any(LIBS_DIR.glob("kafka_2.13-*.jar")):
        return LIBS_DIR
    if shutil.which("mvn") is None or shutil.which("java") is None:
        raise ProcessFailed("Kafka needs Java 17 and Maven: install them (e.g. `apt-get install maven`).")
    say("Fetching the Kafka broker's jars with Maven (once; cached in .cache/kafka/libs)...")
    command = [
        "mvn",
        "-q",
        "-B",
        "-f",
        str(KAFKA_DIR / "pom.xml"),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={LIBS_DIR}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ProcessFailed(
            f"mvn could not fetch the Kafka jars:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return LIBS_DIR


def _cluster_id() -> str:
    # Kafka's own random-uuid format; a leading '-' would be read as a CLI option.
    while True:
        candidate = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not candidate.startswith("-"):
            return candidate


class KafkaBroker:
    """One broker process. `start()` returns once an admin call answers."""

    def __init__(self, work_dir: Path, *, port: int, controller_port: int) -> None:
        self.work_dir = work_dir
        self.port = port
        self.controller_port = controller_port
        self.log_path = work_dir / "broker.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _java(self, libs: Path) -> list[str]:
        log_config = KAFKA_DIR / "log4j2.properties"
        return ["java", *JVM_OPTIONS, f"-Dlog4j2.configurationFile={log_config}", "-cp", f"{libs}/*"]

    def _write_config(self) -> Path:
        template = (KAFKA_DIR / "server.properties.template").read_text()
        config = template.format(
            port=self.port, controller_port=self.controller_port, data_dir=self.work_dir / "data"
        )
        path = self.work_dir / "server.properties"
        path.write_text(config)
        return path

    def _format_storage(self, libs: Path, config: Path) -> None:
        if (self.work_dir / "data" / "meta.properties").exists():
            return  # a persistent local data dir keeps its cluster id across restarts
        command = [*self._java(libs), "kafka.tools.StorageTool", "format", "--standalone"]
        command += ["-t", _cluster_id(), "-c", str(config)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
        if result.returncode != 0:
            raise ProcessFailed(f"Kafka storage format failed:\n{result.stdout}{result.stderr}")

    def start(self, timeout_s: float = 120) -> None:
        libs = ensure_jars()
        self.work_dir.mkdir(parents=True, exist_ok=True)
        config = self._write_config()
        self._format_storage(libs, config)
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [*self._java(libs), "kafka.Kafka", str(config)], stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_ready(timeout_s)

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise ProcessFailed(
                    f"Kafka exited with {self._process.returncode}:\n{log_tail(self.log_path)}"
                )
            if READY_LINE in self.log_path.read_bytes() and self._admin_answers():
                return
            time.sleep(0.25)
        raise ProcessFailed(f"Kafka was not ready in {timeout_s:.0f} s:\n{log_tail(self.log_path)}")

    def _admin_answers(self) -> bool:
        try:
            admin = KafkaAdminClient(bootstrap_servers=self.bootstrap_servers, request_timeout_ms=5000)
        except KafkaError:
            return False
        try:
            admin.list_topics()
            return True
        except KafkaError:
            return False
        finally:
            admin.close()

    def create_topics(self, topics: list[TopicSpec]) -> None:
        """Create the topics that do not exist yet (idempotent)."""
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap_servers, request_timeout_ms=15000)
        try:
            existing = set(admin.list_topics())
            missing = {
                t.name: {"num_partitions": t.partitions, "replication_factor": 1}
                for t in topics
                if t.name not in existing
            }
            if missing:
                with contextlib.suppress(TopicAlreadyExistsError):
                    admin.create_topics(missing, wait_for_metadata=True)
        finally:
            admin.close()

    def stop(self, timeout_s: float = 30) -> None:
        """SIGTERM triggers Kafka's controlled shutdown; kill only if it hangs."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None
