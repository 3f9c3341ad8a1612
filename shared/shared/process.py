"""Long-running worker processes stop cleanly on SIGTERM and Ctrl-C."""

from __future__ import annotations

import signal
import threading


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT; loops check it between units of work."""
    stop = threading.Event()

    def _handle(signum: int, _frame: object) -> None:
        if stop.is_set():  # a second signal means "now": give up on a clean stop
            raise SystemExit(128 + signum)
        stop.set()

    signal.signal(signal.SIGTERM, _handle)
    signal.signal(signal.SIGINT, _handle)
    return stop
