"""`cartable serve` is gunicorn; one outbox dispatcher for the embedded default (issue 11 §4).

The subprocess test runs the real command on its own SQLite data dir; the wiring test
drives web.server's hooks in this process (no fork) to show that a worker's commit wakes
the master's one dispatcher through the pipe, long before its 5 s timer.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import Engine

from engine.config import Settings
from engine.services.messaging.outbox import list_messages
from engine.services.unit_of_work import UnitOfWork
from tests.fakes.recording import FakeProvider
from tests.notifications.support import queue
from web.server import CartableServer

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.slow
def test_serve_runs_gunicorn_workers_and_stops_gracefully(tmp_path: Path) -> None:
    """issue 11 §4: without --dev, `cartable run` serves with gunicorn, CARTABLE_WEB_WORKERS
    processes of CARTABLE_WEB_THREADS threads; SIGTERM stops master and workers, exit 0."""
    port = _free_port()
    env = {
        **os.environ,
        "CARTABLE_DATA_DIR": str(tmp_path),
        "CARTABLE_PORT": str(port),
        "CARTABLE_WEB_WORKERS": "3",
        "CARTABLE_WEB_THREADS": "2",
    }
    env.pop("CARTABLE_DATABASE_URL", None)
    log_path = tmp_path / "server.log"
    command = [sys.executable, "-c", "from web.cli import main; main()", "run"]
    with log_path.open("w") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        url = f"http://127.0.0.1:{port}/api/openapi.json"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.status == 200
                    assert response.headers["Server"] == "gunicorn"
                break
            except OSError:
                assert server.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.3)
        deadline = time.monotonic() + 20
        while len(_children(server.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = _children(server.pid)
        assert len(workers) == 3, log_path.read_text()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0, log_path.read_text()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    text = log_path.read_text()
    assert "Cartable on http://127.0.0.1:" in text and "/api/openapi.json)" in text
    assert "Using worker: gthread" in text and "Shutting down: Master" in text
    deadline = time.monotonic() + 10  # a loaded machine may take a moment to reap them
    while any(_is_our_worker(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in workers if _is_our_worker(pid)]


def _is_our_worker(pid: int) -> bool:
    """A pid still running this server's command (a busy machine may reuse a freed pid)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"from web.cli import main" in command


def _dispatchers() -> int:
    return sum(t.name == "outbox-dispatcher" for t in threading.enumerate())


def test_a_workers_commit_wakes_the_masters_one_dispatcher(engine: Engine, tmp_path: Path) -> None:
    """issue 11 §4, E8: a worker's app starts no dispatcher of its own; the master's one
    (when_ready) sends a message a worker committed within 2 s (its own timer is 5 s)."""
    settings = Settings(data_dir=tmp_path, database_url=str(engine.url), secret_key="x")
    server = CartableServer(settings)
    before = _dispatchers()
    app = server.load()  # what each worker does after the fork
    assert _dispatchers() == before
    server._when_ready(None)  # what the master does before the first fork
    try:
        assert _dispatchers() == before + 1
        factory = app.extensions["cartable"].session_factory
        queue(UnitOfWork(factory), "serve-1", channel="sms")
        assert FakeProvider.wait_for(
            lambda: [m.status for m in list_messages(UnitOfWork(factory))] == ["sent"], 2.0
        )
    finally:
        server._on_exit(None)
        app.extensions["cartable"].engine.dispose()
    assert _dispatchers() == before


def test_with_a_broker_no_process_runs_a_dispatcher_thread(engine: Engine, tmp_path: Path) -> None:
    """issue 11 §4: with CARTABLE_BROKER_URL, Celery delivers; gunicorn starts no thread."""
    settings = Settings(
        data_dir=tmp_path,
        database_url=str(engine.url),
        secret_key="x",
        broker_url="memory://",
    )
    server = CartableServer(settings)
    before = _dispatchers()
    app = server.load()
    server._when_ready(None)
    app.extensions["cartable"].engine.dispose()
    assert server.wake_pipe is None and server.dispatcher is None
    assert _dispatchers() == before
    assert server.cfg.workers == 2 and server.cfg.threads == 4


def test_gunicorn_believes_no_forwarded_header(tmp_path: Path) -> None:
    """issue 11 §4 with issue 10 #8, #10: only ProxyFix behind CARTABLE_TRUSTED_PROXIES
    trusts X-Forwarded-*; gunicorn's own loopback trust (X-Forwarded-Proto: https from
    127.0.0.1 makes the scheme https) is off, and its size and bind follow Settings."""
    settings = Settings(
        data_dir=tmp_path,
        database_url="sqlite://",
        secret_key="x",
        host="::1",
        port=8123,
        web_workers=3,
        web_threads=6,
    )
    cfg = CartableServer(settings).cfg
    assert cfg.forwarded_allow_ips == [] and cfg.secure_scheme_headers == {}
    assert cfg.bind == ["[::1]:8123"] and (cfg.workers, cfg.threads) == (3, 6)
    assert cfg.worker_class_str == "gthread" and cfg.control_socket_disable
