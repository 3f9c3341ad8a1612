"""A local webhook receiver for tests and benchmarks: records every request it gets.

`fail_first` makes a path answer 500 a number of times before it succeeds, to exercise retries;
`script(path, *responses)` queues exact answers (status and headers, e.g. 429 with Retry-After,
a 302, a 410) that the path gives in turn before it answers 204 again.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() on arrival


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class WebhookReceiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.fail_first: Counter[str] = Counter()
        self.scripts: dict[str, deque[Reply]] = {}
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: senders reuse connections, as real endpoints allow

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver._changed:
                    receiver.received.append(Received(self.path, dict(self.headers), body, time.monotonic()))
                    reply = receiver._next_reply(self.path)
                    receiver._changed.notify_all()
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *_args: object) -> None:  # keep test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def script(self, path: str, *replies: Reply) -> None:
        """Answer the next requests to `path` with `replies`, in order; then 204 again."""
        with self._changed:
            self.scripts.setdefault(path, deque()).extend(replies)

    def _next_reply(self, path: str) -> Reply:
        queued = self.scripts.get(path)
        if queued:
            return queued.popleft()
        if self.fail_first[path] > 0:
            self.fail_first[path] -= 1
            return Reply(500)
        return Reply(204)

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
