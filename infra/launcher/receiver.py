"""A local webhook receiver for tests and benchmarks: records every request it gets.

`fail_first` makes a path answer 500 a number of times before it succeeds, to exercise retries.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() on arrival


class WebhookReceiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.fail_first: Counter[str] = Counter()
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver._changed:
                    receiver.received.append(Received(self.path, dict(self.headers), body, time.monotonic()))
                    failing = receiver.fail_first[self.path] > 0
                    if failing:
                        receiver.fail_first[self.path] -= 1
                    receiver._changed.notify_all()
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, *_args: object) -> None:  # keep test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, predicate: object, timeout_s: float = 30) -> list[Received]:
        """Wait until `predicate(received)` is true; returns the matching requests."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                matched = [r for r in self.received if predicate(r)]  # type: ignore[operator]
                if matched:
                    return matched
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self._changed.wait(remaining)
