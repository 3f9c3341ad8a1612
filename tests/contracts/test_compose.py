"""docker-compose.yml and the Dockerfile agree with the code.

Docker does not run on the development machines, so nothing else would notice when a setting is renamed,
a topic added or a process kind introduced. The compose file is parsed, not run: each Python container is
mapped to its service's Settings class, and its environment, commands and dependencies are checked against
that class, infra/topics.toml and the launcher's list of processes. Every failure says what to change.
"""

from __future__ import annotations

import difflib
import re
import shlex
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsError

from gateway.config import Settings as GatewaySettings
from launcher.kafka import load_topics
from launcher.stack import PROCESSES
from scoring.config import Settings as ScoringSettings
from supplier.config import Settings as SupplierSettings

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
KAFKA_POM = REPO_ROOT / "infra" / "kafka" / "pom.xml"

SETTINGS: dict[str, type[BaseSettings]] = {
    "supplier": SupplierSettings,
    "scoring": ScoringSettings,
    "gateway": GatewaySettings,
}
# Long-running container name = "<service>-<suffix of its command>"; one-shot: "<service>-migrate".
CONTAINER_SUFFIX = {"serve": "api", "consume": "consumer", "relay": "relay", "deliver": "delivery"}
PUBLIC_CONTAINERS = {"gateway-api"}
KAFKA_SERVICE, TOPICS_SERVICE, POSTGRES_SERVICE = "kafka", "kafka-topics", "postgres"
INIT_DIR = "/docker-entrypoint-initdb.d"
COMPLETED, HEALTHY = "service_completed_successfully", "service_healthy"
# Read by prometheus_client, not by Settings, and deliberately not set: each container is its own PID
# namespace (the process has the same low PID everywhere), so containers sharing a multiprocess
# directory would write the same `<kind>_<pid>.db` files and corrupt each other's samples.
PROMETHEUS_DIR = "PROMETHEUS_MULTIPROC_DIR"

_PYTHON_PROCESS = re.compile(r"(?P<service>[a-z_]+)\.cli")
_INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?+])?(?P<arg>[^}]*)\}")


@dataclass(frozen=True)
class Process:
    """A Python container: `python -m <service>.cli <command> ...`."""

    container: str
    service: str
    command: str
    argv: list[str]
    spec: dict[str, Any]

    @property
    def settings(self) -> type[BaseSettings]:
        return SETTINGS[self.service]

    @property
    def port(self) -> int | None:
        return int(self.argv[self.argv.index("--port") + 1]) if "--port" in self.argv else None


# --- reading the compose file ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    assert COMPOSE_FILE.is_file(), f"Create {COMPOSE_FILE}: DESIGN.md §3 describes the system in it"
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict), "docker-compose.yml must be a mapping with a `services:` key"
    assert isinstance(data.get("services"), dict), "docker-compose.yml has no `services:` mapping"
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def processes(services: dict[str, dict[str, Any]]) -> dict[str, Process]:
    found = {}
    for name, spec in services.items():
        argv = argv_of(spec.get("command"))
        if len(argv) < 4 or argv[:2] != ["python", "-m"]:
            continue
        match = _PYTHON_PROCESS.fullmatch(argv[2])
        if match and match["service"] in SETTINGS:
            found[name] = Process(name, match["service"], argv[3], argv, spec)
    assert found, "docker-compose.yml has no container running `python -m <service>.cli <command>`"
    return found


def argv_of(command: object) -> list[str]:
    """A compose `command`/`entrypoint` (string or list) as an argument list."""
    if command is None:
        return []
    if isinstance(command, str):
        return shlex.split(command)
    assert isinstance(command, list), f"Write the command {command!r} as a list or a string"
    return [str(part) for part in command]


def environment(spec: dict[str, Any]) -> dict[str, str]:
    """A service's `environment`, in either of compose's forms, with values as the container sees text."""
    env = spec.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: _text(value) for key, value in env.items()}


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def depends_on(spec: dict[str, Any]) -> dict[str, str]:
    """`depends_on` as {service: condition}; the short list form means `service_started`."""
    deps = spec.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (options or {}).get("condition", "service_started") for name, options in deps.items()}


def resolve(value: str) -> str:
    """The value as `docker compose up` passes it: defaults filled in; required variables get a
    placeholder (a real run stops with the `:?` message until they are set), long enough for keys that
    need 32 characters."""

    def substitute(match: re.Match[str]) -> str:
        if match["op"] in (":-", "-"):
            return match["arg"]
        return f"placeholder-{match['name'].lower()}-{'0' * 32}"

    return _INTERPOLATION.sub(substitute, value.replace("$$", "\0")).replace("\0", "$")


def env_names(settings: type[BaseSettings]) -> dict[str, str]:
    """{VARIABLE: field name} for every setting the class reads (case-insensitive; upper-case here)."""
    prefix = settings.model_config.get("env_prefix", "")
    return {f"{prefix}{name}".upper(): name for name in settings.model_fields}


def qualified(settings: type[BaseSettings]) -> str:
    return f"{settings.__module__}.{settings.__qualname__}"


def settings_from(settings: type[BaseSettings], env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the Settings class from exactly this environment, as the container's process does."""
    with monkeypatch.context() as patch:
        for name in env_names(settings):
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        settings()


def script_lines(argv: list[str]) -> Iterator[list[str]]:
    """Each shell line of an `entrypoint` + `command`, split into words."""
    for part in argv:
        for line in part.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                yield shlex.split(line)


def option(argv: list[str], name: str) -> str | None:
    position = argv.index(name) + 1 if name in argv else len(argv)
    return argv[position] if position < len(argv) else None


def report(problems: list[str]) -> None:
    assert not problems, "docker-compose.yml needs changes:\n" + "\n".join(dict.fromkeys(problems))


# --- the image ---------------------------------------------------------------------------------------


def test_dockerfile_installs_the_locked_workspace() -> None:
    assert DOCKERFILE.is_file(), f"Create {DOCKERFILE}: every Python container is built from it"
    commands = re.split(r"(?<!\\)\n", DOCKERFILE.read_text())  # continuation lines joined
    syncs = [line.strip() for line in commands if re.search(r"\buv sync\b", line)]
    assert syncs, "The Dockerfile must install the workspace with `uv sync --frozen --no-dev` (from uv.lock)"
    for line in syncs:
        assert "--frozen" in line, f"Add --frozen to `{line}`: the image installs exactly uv.lock"
        assert "--no-dev" in line, f"Add --no-dev to `{line}`: test and lint tools stay out of the image"
        assert "--no-editable" not in line, (
            f"Remove --no-editable from `{line}`: `<service>.cli migrate` finds alembic.ini and "
            "migrations/ next to its package in the source tree, which a non-editable install leaves behind"
        )


def test_every_python_container_runs_the_one_image(
    services: dict[str, dict[str, Any]], processes: dict[str, Process]
) -> None:
    problems = []
    for name, spec in services.items():
        if "build" in spec and name not in processes:
            problems.append(
                f"{name}: builds the greenchain image, so its command must be "
                "[python, -m, <supplier|scoring|gateway>.cli, <command>] (or drop `build`)"
            )
    for process in processes.values():
        if not process.container.startswith(f"{process.service}-"):
            problems.append(
                f"{process.container}: runs {process.service}.cli; run the service its name says, "
                f"or rename it {process.service}-<process>"
            )
        build = process.spec.get("build")
        if isinstance(build, str):
            build = {"context": build}
        if not isinstance(build, dict) or build.get("context") not in (".", "./"):
            problems.append(f"{process.container}: build from the repository root: `build: {{context: .}}`")
        elif build.get("dockerfile", "Dockerfile") != "Dockerfile":
            problems.append(f"{process.container}: build ./Dockerfile, the one image of every Python process")
    images = {str(process.spec.get("image")) for process in processes.values()}
    if len(images) != 1:
        problems.append(f"The Python containers name several images {sorted(images)}: give them one tag")
    report(problems)


def test_every_launcher_process_has_one_container(processes: dict[str, Process]) -> None:
    """The containers are the launcher's processes (PROCESSES in infra/launcher/stack.py) and migrations."""
    problems = []
    running = {(p.service, p.command) for p in processes.values() if p.command != "migrate"}
    for process in processes.values():
        if process.command == "migrate":
            continue
        expected = f"{process.service}-{CONTAINER_SUFFIX.get(process.command, process.command)}"
        if (process.service, process.command) not in PROCESSES:
            problems.append(
                f"{process.container}: runs `{process.service}.cli {process.command}`, which the launcher "
                "does not run; remove it, or add the process to PROCESSES in infra/launcher/stack.py"
            )
        elif process.container != expected:
            problems.append(
                f"{process.container}: runs `{process.service}.cli {process.command}`; name it {expected}, "
                "or give it the command its name says"
            )
    for service, command in PROCESSES:
        if (service, command) not in running:
            expected = f"{service}-{CONTAINER_SUFFIX.get(command, command)}"
            problems.append(
                f"No container runs `{service}.cli {command}`: add {expected} with "
                f"command [python, -m, {service}.cli, {command}]"
            )
    for process in processes.values():
        if process.command != "serve":
            continue
        if process.argv[4:6] != ["--host", "0.0.0.0"] or process.port is None:
            problems.append(
                f"{process.container}: listen on all interfaces on an explicit port: "
                f"[python, -m, {process.service}.cli, serve, --host, 0.0.0.0, --port, <port>]"
            )
    report(problems)


# --- (a) and (b): the environment against each Settings class -----------------------------------------


def test_every_variable_is_a_setting_the_service_reads(processes: dict[str, Process]) -> None:
    problems = []
    for process in processes.values():
        known = env_names(process.settings)
        for name in environment(process.spec):
            if name.upper() in known:
                continue
            if name.upper() == PROMETHEUS_DIR:
                problems.append(
                    f"{process.container}: remove {name}. It suits processes that share one PID namespace "
                    "(the launcher); containers sharing the directory would overwrite each other's files"
                )
                continue
            close = difflib.get_close_matches(name.upper(), known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(
                f"{process.container}: {qualified(process.settings)} reads no {name}{hint}; remove it or "
                f"use one of {', '.join(sorted(known))}"
            )
    report(problems)


def test_every_required_setting_is_set(processes: dict[str, Process]) -> None:
    problems = []
    for process in processes.values():
        given = {name.upper() for name in environment(process.spec)}
        for env_name, field_name in env_names(process.settings).items():
            if process.settings.model_fields[field_name].is_required() and env_name not in given:
                problems.append(
                    f"{process.container}: set {env_name}, which {qualified(process.settings)} requires "
                    f"(no default); add it to the x-{process.service}-env block"
                )
    report(problems)


def test_the_environment_validates_against_the_settings(
    processes: dict[str, Process], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Values parse as the service parses them: URLs, numbers, booleans, and lists as JSON."""
    problems = []
    for process in processes.values():
        env = {name: resolve(value) for name, value in environment(process.spec).items()}
        env.pop(PROMETHEUS_DIR, None)  # reported by the test above
        try:
            settings_from(process.settings, env, monkeypatch)
        except SettingsError as error:  # a list or other complex value that is not JSON
            problems.append(f'{process.container}: {error}; write lists as JSON, e.g. ["127.0.0.0/8"]')
        except ValidationError as error:
            for item in error.errors():
                if item["type"] == "missing":
                    continue  # reported by test_every_required_setting_is_set
                where = ".".join(map(str, item["loc"])).upper()
                problems.append(
                    f"{process.container}: {where}={env.get(where)!r} is invalid for "
                    f"{qualified(process.settings)}: {item['msg']}"
                )
    report(problems)


def test_variables_have_a_default_or_are_required(services: dict[str, dict[str, Any]]) -> None:
    """`${VAR}` alone silently becomes empty when VAR is unset."""
    problems = []
    for name, spec in services.items():
        for key, value in environment(spec).items():
            for match in _INTERPOLATION.finditer(value):
                if match["op"] not in (":-", "-", ":?", "?"):
                    var = match["name"]
                    problems.append(f"{name}: {key}: write ${{{var}:-<default>}} or ${{{var}:?set {var}}}")
            if re.search(r"\$(?!\{)", _INTERPOLATION.sub("", value.replace("$$", ""))):
                problems.append(f"{name}: {key}: write $NAME as ${{NAME:-<default>}} or ${{NAME:?set NAME}}")
    report(problems)


def test_secrets_come_from_required_variables(
    services: dict[str, dict[str, Any]], processes: dict[str, Process]
) -> None:
    """No secret is written into the compose file; every service holds the same internal token."""
    problems = []
    for process in processes.values():
        env = environment(process.spec)
        for env_name, field_name in env_names(process.settings).items():
            if process.settings.model_fields[field_name].annotation is not SecretStr or env_name not in env:
                continue
            if not re.fullmatch(rf"\$\{{{env_name}:\?[^}}]*\}}", env[env_name]):
                problems.append(
                    f"{process.container}: {env_name} must be ${{{env_name}:?set {env_name}}}, not "
                    f"{env[env_name]!r} (development values belong in infra/compose/dev.env)"
                )
    tokens = sorted({environment(p.spec).get("INTERNAL_TOKEN", "<unset>") for p in processes.values()})
    if len(tokens) != 1:
        problems.append(
            f"Give every Python container the same INTERNAL_TOKEN, not {tokens}: supplier and scoring "
            "refuse the gateway's calls otherwise"
        )
    password = environment(services.get(POSTGRES_SERVICE, {})).get("POSTGRES_PASSWORD", "")
    if not re.fullmatch(r"\$\{POSTGRES_PASSWORD:\?[^}]*\}", password):
        problems.append(
            f"{POSTGRES_SERVICE}: set POSTGRES_PASSWORD: ${{POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}}"
        )
    report(problems)


def test_each_service_uses_its_own_database(
    services: dict[str, dict[str, Any]], processes: dict[str, Process]
) -> None:
    """DESIGN.md §2.4: one database per service, created by the postgres image's init scripts."""
    postgres = services.get(POSTGRES_SERVICE)
    assert postgres, f"Add a `{POSTGRES_SERVICE}` service (the official postgres image)"
    mounts = [str(volume).split(":") for volume in postgres.get("volumes", [])]
    init_dirs = [REPO_ROOT / m[0] for m in mounts if len(m) > 1 and m[1].rstrip("/") == INIT_DIR]
    assert init_dirs, f"{POSTGRES_SERVICE}: mount ./infra/compose/postgres-init at {INIT_DIR}"
    scripts = "\n".join(path.read_text() for folder in init_dirs for path in sorted(folder.glob("*.sql")))
    created = set(re.findall(r"CREATE DATABASE\s+\"?(\w+)\"?", scripts, flags=re.IGNORECASE))
    problems = []
    for process in processes.values():
        url = urlsplit(resolve(environment(process.spec).get("DATABASE_URL", "")))
        database = url.path.lstrip("/")
        if database != process.service or url.hostname != POSTGRES_SERVICE:
            problems.append(
                f"{process.container}: DATABASE_URL must name its own database on the postgres service, "
                f"...@{POSTGRES_SERVICE}:5432/{process.service}"
            )
        if database not in created:
            problems.append(
                f"Add `CREATE DATABASE {database};` to the init scripts in "
                f"{', '.join(str(folder.relative_to(REPO_ROOT)) for folder in init_dirs)}"
            )
    report(problems)


def test_services_reach_kafka_and_each_other(
    services: dict[str, dict[str, Any]], processes: dict[str, Process]
) -> None:
    listeners = environment(services.get(KAFKA_SERVICE, {})).get("KAFKA_ADVERTISED_LISTENERS", "")
    advertised = {urlsplit(listener).netloc for listener in listeners.split(",")}
    apis = {(p.service, p.port): p.container for p in processes.values() if p.command == "serve"}
    problems = []
    for process in processes.values():
        env = environment(process.spec)
        for server in env.get("KAFKA_BOOTSTRAP_SERVERS", "").split(","):
            if server.strip() not in advertised:
                problems.append(
                    f"{process.container}: KAFKA_BOOTSTRAP_SERVERS has {server!r}; use the broker's "
                    f"advertised listener {', '.join(sorted(advertised))}"
                )
        for upstream in ("supplier", "scoring"):
            value = env.get(f"{upstream.upper()}_URL")
            if value is None:
                continue
            url = urlsplit(resolve(value))
            if apis.get((upstream, url.port)) != url.hostname:
                problems.append(
                    f"{process.container}: {upstream.upper()}_URL={value!r} reaches no API; use "
                    f"http://{upstream}-api:<the port {upstream}-api serves on>"
                )
    report(problems)


# --- (c) topics --------------------------------------------------------------------------------------


def test_every_topic_and_its_dead_letter_topic_is_created(services: dict[str, dict[str, Any]]) -> None:
    topics_service = services.get(TOPICS_SERVICE)
    assert topics_service, (
        f"Add a one-shot `{TOPICS_SERVICE}` service creating the topics of infra/topics.toml"
    )
    script = argv_of(topics_service.get("entrypoint")) + argv_of(topics_service.get("command"))
    created: dict[str, str | None] = {}
    problems = []
    for argv in script_lines(script):
        if not any(word.endswith("kafka-topics.sh") for word in argv):
            continue
        topic = option(argv, "--topic")
        if topic is None or "--create" not in argv or "--if-not-exists" not in argv:
            problems.append(
                f"{TOPICS_SERVICE}: `{shlex.join(argv)}` must read `kafka-topics.sh ... --create "
                "--if-not-exists --topic <name> --partitions <n>` (a re-run must succeed)"
            )
            continue
        created[topic] = option(argv, "--partitions")
    expected = {spec.name: spec.partitions for spec in load_topics()}
    for name, partitions in expected.items():
        if name not in created:
            problems.append(
                f"{TOPICS_SERVICE}: add the line `/opt/kafka/bin/kafka-topics.sh --bootstrap-server "
                f"kafka:9092 --create --if-not-exists --topic {name} --partitions {partitions} "
                "--replication-factor 1` to its command"
            )
        elif created[name] != str(partitions):
            problems.append(
                f"{TOPICS_SERVICE}: create {name} with --partitions {partitions} (as the launcher does "
                f"from infra/topics.toml), not {created[name]}"
            )
    for name in sorted(created.keys() - expected.keys()):
        problems.append(
            f"{TOPICS_SERVICE}: creates {name}, which infra/topics.toml does not list; add it there "
            "(its .dlq twin follows) or remove the line"
        )
    if depends_on(topics_service).get(KAFKA_SERVICE) != HEALTHY:
        problems.append(f"{TOPICS_SERVICE}: depend on {KAFKA_SERVICE} with condition {HEALTHY}")
    report(problems)


def test_kafka_is_the_official_image_in_the_launchers_version(services: dict[str, dict[str, Any]]) -> None:
    version = ET.parse(KAFKA_POM).getroot().findtext(".//{*}properties/{*}kafka.version")
    problems = []
    for name in (KAFKA_SERVICE, TOPICS_SERVICE):
        image = services.get(name, {}).get("image")
        if image != f"apache/kafka:{version}":
            problems.append(
                f"{name}: use the image apache/kafka:{version} (infra/kafka/pom.xml's version), not {image}"
            )
    env = environment(services.get(KAFKA_SERVICE, {}))
    if env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE") != "false":
        problems.append(
            f'{KAFKA_SERVICE}: set KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false" (a misspelt topic must fail)'
        )
    if env.get("KAFKA_PROCESS_ROLES") != "broker,controller" or not env.get("CLUSTER_ID"):
        problems.append(
            f"{KAFKA_SERVICE}: run single-node KRaft: KAFKA_PROCESS_ROLES: broker,controller and a CLUSTER_ID"
        )
    report(problems)


# --- (d) migrations and start-up order ---------------------------------------------------------------


def test_each_service_migrates_before_its_processes_start(processes: dict[str, Process]) -> None:
    problems = []
    for service in SETTINGS:
        name = f"{service}-migrate"
        migrate = processes.get(name)
        if migrate is None or migrate.service != service or migrate.argv[3:] != ["migrate"]:
            problems.append(f"Add a one-shot `{name}` with command [python, -m, {service}.cli, migrate]")
            continue
        if migrate.spec.get("restart", "no") != "no":
            problems.append(f'{name}: set restart: "no"; it runs once and the others wait for it')
        if depends_on(migrate.spec).get(POSTGRES_SERVICE) != HEALTHY:
            problems.append(f"{name}: depend on {POSTGRES_SERVICE} with condition {HEALTHY}")
        for other in processes.values():
            if other.service != service or other is migrate:
                continue
            if environment(other.spec).get("DATABASE_URL") != environment(migrate.spec).get("DATABASE_URL"):
                problems.append(f"{name} and {other.container}: use the same DATABASE_URL")
            deps = depends_on(other.spec)
            if deps.get(name) != COMPLETED:
                problems.append(
                    f"{other.container}: depend on {name} with condition {COMPLETED} (schema first)"
                )
            if deps.get(TOPICS_SERVICE) != COMPLETED:
                problems.append(
                    f"{other.container}: depend on {TOPICS_SERVICE} with condition {COMPLETED} "
                    "(topics are not auto-created)"
                )
    report(problems)


def test_dependencies_wait_on_conditions_that_can_happen(services: dict[str, dict[str, Any]]) -> None:
    """service_healthy needs a healthcheck; service_completed_successfully needs a one-shot container."""
    problems = []
    for name, spec in services.items():
        for target, condition in depends_on(spec).items():
            if target not in services:
                problems.append(f"{name}: depends on `{target}`, which is not a service")
            elif condition == HEALTHY and "healthcheck" not in services[target]:
                problems.append(f"{name}: waits for {target} to be healthy; give {target} a healthcheck")
            elif condition == COMPLETED and services[target].get("restart", "no") != "no":
                problems.append(f'{name}: waits for {target} to complete; set restart: "no" on {target}')
            elif condition not in (HEALTHY, COMPLETED):
                problems.append(f"{name}: wait for {target} with condition {HEALTHY} or {COMPLETED}")
    report(problems)


def test_apis_report_readiness(processes: dict[str, Process]) -> None:
    problems = []
    for process in processes.values():
        check = " ".join(argv_of((process.spec.get("healthcheck") or {}).get("test")))
        if process.command == "serve" and f"127.0.0.1:{process.port}/readyz" not in check:
            problems.append(
                f"{process.container}: add a healthcheck that GETs http://127.0.0.1:{process.port}/readyz"
            )
    report(problems)


# --- (e) only the gateway is public ------------------------------------------------------------------


def test_only_the_gateway_publishes_a_port(
    services: dict[str, dict[str, Any]], processes: dict[str, Process]
) -> None:
    published = {name for name, spec in services.items() if spec.get("ports")}
    assert published <= PUBLIC_CONTAINERS, (
        f"Remove `ports:` from {', '.join(sorted(published - PUBLIC_CONTAINERS))}: supplier, scoring, "
        "Kafka and PostgreSQL are internal; only the gateway is public (DESIGN.md §1)"
    )
    for name in PUBLIC_CONTAINERS:
        port = processes[name].port
        targets = {
            str(entry["target"]) if isinstance(entry, dict) else str(entry).rsplit(":", 1)[-1].split("/")[0]
            for entry in services[name].get("ports", [])
        }
        assert targets == {str(port)}, (
            f'{name}: publish the port it serves on: ports: ["127.0.0.1:${{GATEWAY_PORT:-{port}}}:{port}"]'
        )
