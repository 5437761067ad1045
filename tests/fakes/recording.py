"""A threaded HTTP server on 127.0.0.1:<ephemeral> that records requests and answers
from a script: the next answers can be forced to a status or to hang (a timeout)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    status: int
    key: str | None = None
    form: dict[str, list[str]] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class FakeProvider:
    """Base of the fakes: start() binds port 0; ``url`` is where the SDK should point."""

    hang_seconds = 5.0
    # Time an accepted send takes, so a batch lasts long enough to be interrupted.
    delay_seconds = 0.0

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.connections = 0  # TCP connections accepted: a kept-alive client opens one
        self._script: deque[str] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._stop_hanging = threading.Event()

    # -- control -------------------------------------------------------------------
    def script(self, *answers: str) -> None:
        """Queue answers for the next sends: "ok", "500", "400", "429", "hang"."""
        with self._lock:
            self._script.extend(answers)

    def _next_answer(self) -> str:
        with self._lock:
            return self._script.popleft() if self._script else "ok"

    def sends(self) -> list[Recorded]:
        """Return the send requests received (any answer)."""
        with self._lock:
            return [r for r in self.requests if r.method == "POST"]

    def accepted_keys(self) -> Counter[str]:
        """Return {idempotency key: times a send with it was accepted}."""
        with self._lock:
            return Counter(
                r.key for r in self.requests if r.method == "POST" and r.status < 300 and r.key
            )

    # -- server --------------------------------------------------------------------
    def start(self) -> FakeProvider:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def setup(self) -> None:
                super().setup()
                with fake._lock:
                    fake.connections += 1
                # Headers and body go out in two writes; without TCP_NODELAY Nagle holds
                # the body until the client's delayed ACK (~40 ms per kept-alive request).
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                status, headers, payload = fake.handle(
                    self.command, parts.path, parse_qs(parts.query), dict(self.headers), body
                )
                data = json.dumps(payload).encode() if payload is not None else b""
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop_hanging.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
    ) -> tuple[int, dict[str, str], Any]:
        raise NotImplementedError

    def _answer_send(self) -> int:
        """Apply the script to a send; return the forced status, or 0 for "accept"."""
        answer = self._next_answer()
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        if answer == "hang":
            self._stop_hanging.wait(self.hang_seconds)
            return 504
        return 0 if answer == "ok" else int(answer)

    def _record(self, record: Recorded) -> None:
        with self._lock:
            self.requests.append(record)

    @staticmethod
    def wait_for(predicate: Any, timeout: float = 10.0) -> bool:
        """Poll ``predicate`` until true or ``timeout``; return whether it became true."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.02)
        return bool(predicate())
