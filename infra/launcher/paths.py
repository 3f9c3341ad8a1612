"""Where the launcher finds the repository, keeps its cache, and how it talks to the user."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
INFRA_DIR = REPO_ROOT / "infra"
CACHE_DIR = REPO_ROOT / ".cache"
RUN_DIR = REPO_ROOT / ".run"


class ProcessFailed(RuntimeError):
    """A part of the stack could not start; the message says what to do."""


def say(message: str) -> None:
    print(f"[greenchain] {message}", file=sys.stderr, flush=True)


def log_tail(path: Path, chars: int = 4000) -> str:
    if not path.exists():
        return f"(no log at {path})"
    return path.read_text(errors="replace")[-chars:]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
