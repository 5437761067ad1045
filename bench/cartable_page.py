"""The cartable page with 10,000 open tasks: server time per request (issue #4, speed).

Run on demand: `.venv/bin/python -m bench.cartable_page` (PostgreSQL on 127.0.0.1 by
default: a throw-away database is created and dropped; CARTABLE_BENCH_DATABASE=sqlite for
the embedded default). Prints p50/p95/max of the whole request (routing, session, the
task-index query, rendering) measured in the server process. Target: < 150 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from bench.support import database
from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models.workflow import HumanTask, ProcessInstance
from engine.services.setup.bootstrap import ensure_defaults
from engine.services.setup.demo import load_demo
from engine.services.unit_of_work import UnitOfWork
from web import create_app

TASKS = 10_000
RUNS = 40


def _fill(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    uow = UnitOfWork(make_session_factory(engine))
    ensure_defaults(uow)
    load_demo(uow)
    with uow:
        version = uow.processes.latest_version("document_approval")
        instance = ProcessInstance(
            version_id=version.id, process_id="document_approval", state={}, status="running"
        )
        uow.session.add(instance)
        uow.session.flush()
        start = datetime.now(UTC) - timedelta(days=30)
        rows = [
            {
                "instance_id": instance.id,
                "task_guid": str(uuid.uuid4()),
                "element_id": "approve_document" if i % 3 else "number_document",
                "name": "Approve document",
                "lane": "approval" if i % 3 else "numbering",
                "created_at": start + timedelta(minutes=i),
                "due_at": start + timedelta(days=3, minutes=i),
                "priority": i % 5,
                "document_type": "sales_invoice",
                "document_label": f"#{i}",
                "contact_name": f"مشتری {i % 400}",
                "amount": Decimal(1_000_000 + i * 1_000),
                "status": "open",
            }
            for i in range(TASKS)
        ]
        uow.session.execute(insert(HumanTask), rows)
        uow.commit()
    engine.dispose()


def _measure(url: str, data_dir: Path) -> dict[str, list[float]]:
    app = create_app(Settings(data_dir=data_dir, database_url=url, secret_key="bench"))
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert token
    client.post(
        "/login", data={"username": "approver", "password": "approver", "csrf_token": token[1]}
    )
    paths = {
        "first page (oldest first)": "/cartable",
        "sorted by amount, descending": "/cartable?sort=amount&dir=desc",
        "filtered: contact + amount range": "/cartable?contact=مشتری 12&amount_min=2000000",
        "page 100": "/cartable?page=100",
    }
    timings: dict[str, list[float]] = {}
    for label, path in paths.items():
        client.get(path)  # warm up
        spent = []
        for _ in range(RUNS):
            began = time.perf_counter()
            response = client.get(path)
            spent.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
        timings[label] = spent
    app.extensions["cartable"].engine.dispose()
    return timings


def main() -> None:
    on_sqlite = os.environ.get("CARTABLE_BENCH_DATABASE") == "sqlite"
    where_to = argparse.Namespace(database_url=None, sqlite=on_sqlite)
    with tempfile.TemporaryDirectory() as tmp, database(where_to) as url:
        _fill(url)
        timings = _measure(url, Path(tmp))
    where = "SQLite" if on_sqlite else "PostgreSQL"
    out = sys.stdout
    out.write(f"cartable page, {TASKS} open tasks, {where}, {RUNS} requests each (ms):\n")
    for label, spent in timings.items():
        spent.sort()
        p95 = spent[int(len(spent) * 0.95) - 1]
        out.write(
            f"  {label:36s} p50 {statistics.median(spent):6.1f}  p95 {p95:6.1f}  "
            f"max {spent[-1]:6.1f}  target < 150: {'ok' if p95 < 150 else 'MISSED'}\n"
        )


if __name__ == "__main__":
    main()
