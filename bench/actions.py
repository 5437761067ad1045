"""What one user action costs, and invoices per second over HTTP (issue 11 §5).

Prints one JSON line per database (PostgreSQL, then SQLite) with:

- ``ms_per_action``: mean wall time of one user action of the quote-to-invoice chain
  (create the quote, submit, confirm, deliver, approve the invoice, number it: six
  actions), timed around the service calls only;
- ``statements_per_action`` and ``commits_per_action``: SQL statements and commits the
  chain's actions send, counted by SQLAlchemy event listeners on the engine (finding the
  next task, which a person does by looking at the cartable, is not counted);
- ``ratio``: chains per second through the services over the same BPMN stepped in memory
  (bench.workflow_ceiling);
- ``http_invoices_per_s``: 4 client threads against a real ``cartable serve`` on
  127.0.0.1, each invoice created, submitted, approved and numbered through the API.

Targets (issue 11, PostgreSQL): ≤ 4 ms and ≤ 25 statements per action, exactly one
commit per action, ratio ≥ 0.1, ≥ 50 invoices/s over HTTP.

Run: ``make bench`` or ``.venv/bin/python -m bench.actions [--instances N]
[--http-seconds S] [--only postgresql|sqlite]``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

from bench import workflow_ceiling
from bench.chain import Chain
from bench.support import database
from engine.db import make_engine, make_session_factory
from engine.domain.steps import StepAction
from engine.migrate import upgrade
from engine.services.cartable.tasks import complete_task
from engine.services.documents.commands import (
    NewDocument,
    advance_document,
    create_document,
    submit_document,
)
from engine.services.setup.bootstrap import ensure_defaults
from engine.services.setup.demo import load_demo
from engine.services.unit_of_work import UnitOfWork

ACTIONS_PER_CHAIN = 6
HTTP_THREADS = 4


@dataclass
class Counter:
    """Statements and commits an engine sends while ``on``."""

    on: bool = False
    statements: int = 0
    commits: int = 0

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, *_: Any) -> None:
        if self.on:
            self.statements += 1

    def _commit(self, *_: Any) -> None:
        if self.on:
            self.commits += 1


class TimedChain(Chain):
    """bench.chain's walk, timing and counting only the six user actions."""

    def __init__(self, uow: UnitOfWork, counter: Counter) -> None:
        super().__init__(uow)
        self.counter = counter
        self.seconds = 0.0

    @contextmanager
    def action(self) -> Iterator[None]:
        self.counter.on = True
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - started
            self.counter.on = False

    def one(self) -> None:
        uow = self.uow
        with self.action():
            quote = create_document(
                uow, NewDocument("sales_quote", self.customer, self.content), actor_id=self.clerk
            )
        with self.action():
            submit_document(uow, document_id=quote, actor_id=self.clerk)
        for action in (StepAction.CONFIRM, StepAction.DELIVER):
            with self.action():
                advance_document(uow, document_id=quote, action=action, actor_id=self.clerk)
        for lane, actor_id in (("approval", self.approver), ("numbering", self.numberer)):
            task_id = self.open_task(quote, lane)
            with self.action():
                complete_task(uow, task_id=task_id, actor_id=actor_id, decision="approve")


def measure_actions(engine: Engine, instances: int) -> dict[str, float]:
    """Walk ``instances`` chains; return the per-action figures and the ratio."""
    counter = Counter()
    counter.attach(engine)
    chain = TimedChain(UnitOfWork(make_session_factory(engine)), counter)
    for _ in range(3):  # warm-up: caches, first-use imports, the process spec
        chain.one()
    chain.seconds, counter.statements, counter.commits = 0.0, 0, 0
    for _ in range(instances):
        chain.one()
    actions = instances * ACTIONS_PER_CHAIN
    chains_per_s = instances / chain.seconds
    ceiling = workflow_ceiling.run_in_memory(instances)
    return {
        "ms_per_action": round(chain.seconds * 1000 / actions, 2),
        "statements_per_action": round(counter.statements / actions, 1),
        "commits_per_action": round(counter.commits / actions, 2),
        "chains_per_s": round(chains_per_s, 1),
        "ceiling_per_s": round(ceiling, 1),
        "ratio": round(chains_per_s / ceiling, 3),
    }


class Client:
    """One API user (urllib: a new connection per call, as simple clients do)."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.headers: dict[str, str] = {}
        token = self.call("POST", "/auth/token", {"username": username, "password": username})
        self.headers = {"Authorization": f"Bearer {token['token']}"}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **self.headers}
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")


def walk_invoices(base: str, ids: dict[str, int], until: float, done: list[int]) -> None:
    """Create, submit, approve and number invoices until ``until``; count them in ``done``."""
    clerk, approver, numberer = (Client(base, u) for u in ("clerk", "approver", "numberer"))
    line = {"product_id": ids["product"], "quantity": "1", "unit_price": "90000000"}
    body = {"type": "sales_invoice", "contact_id": ids["contact"], "lines": [line]}
    while time.monotonic() < until:
        doc = clerk.call("POST", "/documents", body)
        doc = clerk.call("POST", f"/documents/{doc['id']}/submit")
        for user in (approver, numberer):
            [task] = user.call("GET", f"/documents/{doc['id']}")["open_tasks"]
            user.call("POST", f"/tasks/{task['id']}/complete", {"decision": "approve"})
        posted = clerk.call("GET", f"/documents/{doc['id']}")
        assert posted["state"] == "posted", posted["state"]
        done.append(doc["id"])


def measure_http(url: str, seconds: float) -> float:
    """Serve ``url``'s database with ``cartable serve``; return invoices per second."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as data_dir, _server(url, data_dir, port) as base:
        admin = Client(base, "admin")
        # A customer of its own: no credit limit (P4) stops a long run.
        contact = admin.call("POST", "/contacts", {"name": "مشتری بنچ", "kind": "customer"})
        ids = {"contact": contact["id"], "product": admin.call("GET", "/products")[0]["id"]}
        done: list[int] = []
        until = time.monotonic() + seconds
        threads = [
            threading.Thread(target=walk_invoices, args=(base, ids, until, done))
            for _ in range(HTTP_THREADS)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return len(done) / (time.monotonic() - started)


@contextmanager
def _server(url: str, data_dir: str, port: int) -> Iterator[str]:
    env = {
        **os.environ,
        "CARTABLE_DATABASE_URL": url,
        "CARTABLE_DATA_DIR": data_dir,
        "CARTABLE_PORT": str(port),
        "CARTABLE_SECRET_KEY": "bench-only",
    }
    command = [sys.executable, "-c", "from web.cli import main; main()", "serve"]
    # The server's log goes to a file: a pipe nobody reads fills up and stalls every
    # request once the server has logged 64 KB.
    log_path = os.path.join(data_dir, "serve.log")
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        _wait_until_up(base, server, log_path)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log_path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            with open(log_path, encoding="utf-8", errors="replace") as log:
                raise RuntimeError(f"cartable serve exited: {log.read()[-2000:]}")
        try:
            urllib.request.urlopen(base.rsplit("/", 2)[0] + "/api/openapi.json", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError("cartable serve did not answer within 60 s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=100)
    parser.add_argument("--http-seconds", type=float, default=20.0)
    parser.add_argument("--only", choices=("postgresql", "sqlite"))
    args = parser.parse_args(argv)
    lines = []
    for kind in ("postgresql", "sqlite"):
        if args.only and args.only != kind:
            continue
        where = argparse.Namespace(database_url=None, sqlite=kind == "sqlite")
        with database(where) as url:
            engine = make_engine(url)
            upgrade(engine)
            uow = UnitOfWork(make_session_factory(engine))
            ensure_defaults(uow)
            load_demo(uow)
            figures: dict[str, Any] = {"database": kind}
            figures.update(measure_actions(engine, args.instances))
            engine.dispose()
            figures["http_invoices_per_s"] = round(measure_http(url, args.http_seconds), 1)
            figures["http_threads"] = HTTP_THREADS
            figures["instances"] = args.instances
        print(json.dumps(figures), flush=True)
        lines.append(figures)
    return lines


if __name__ == "__main__":
    main()
