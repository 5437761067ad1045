"""End-to-end throughput of the quote-to-cash chain and the cartable query (issue 3 §9).

What it measures, in one run, on the configured database:

1. ``chain_per_s``: instances per second of the whole chain driven through the service
   layer, one transaction per user action, as the API does it: create a quote, submit
   it (it starts ``quote_to_invoice``), confirm it, deliver it (the draft invoice is
   made and enters the approval cartable through the call activity), approve it in the
   approval cartable, number it in the numbering cartable (posted: ledger and stock
   rows written). Seven commits per instance, each restoring and saving the workflow.
2. ``ceiling_per_s``: the same BPMN stepped by SpiffWorkflow in memory with no
   database (bench.workflow_ceiling), and ``ratio`` = chain / ceiling.
3. ``cartable_p50_ms`` / ``cartable_p95_ms``: one approver's cartable
   (engine.services.cartable.tasks.list_cartable, first page) with ``--tasks`` open tasks in the
   table, timed around the service call (session, user load, query, mapping).

The database: ``--database-url`` or CARTABLE_BENCH_DATABASE_URL; by default a
throwaway PostgreSQL database on 127.0.0.1 that the run creates and drops
(``--sqlite`` for a throwaway SQLite file instead).

Run: ``make bench`` or ``.venv/bin/python -m bench.chain [--instances N] [--tasks N]``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert, select

from bench import workflow_ceiling
from bench.support import database
from engine import clock
from engine.db import make_engine, make_session_factory
from engine.domain.steps import StepAction
from engine.migrate import upgrade
from engine.models.users import User
from engine.models.workflow import HumanTask, ProcessInstance
from engine.services.cartable.tasks import complete_task, list_cartable
from engine.services.contacts.records import NewContact, create_contact
from engine.services.documents.commands import (
    NewDocument,
    advance_document,
    create_document,
    submit_document,
)
from engine.services.documents.content import Content, LineCommand
from engine.services.setup.bootstrap import ensure_defaults
from engine.services.setup.demo import load_demo
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user

LANES = ("approval", "numbering", "sales", "warehouse")


class Chain:
    """The actors and records one chain instance needs."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        with uow:
            users = {u: uow.users.by_username(u) for u in ("admin", "clerk", "approver")}
            self.clerk = users["clerk"].id  # type: ignore[union-attr]
            self.approver = users["approver"].id  # type: ignore[union-attr]
            self.admin = users["admin"].id  # type: ignore[union-attr]
            desk = next(p.id for p in uow.products.list() if p.name == "میز قابل تنظیم")
        self.numberer = create_user(
            uow, username="bench_numberer", password="x" * 12, roles=["numberer"]
        )
        self.customer = create_contact(
            uow, NewContact(name="مشتری آزمون سرعت", kind="customer"), actor_id=self.admin
        )
        self.content = Content(lines=[LineCommand(desk, Decimal(1), Decimal(90_000_000))])

    def one(self) -> None:
        """Walk one quote all the way to a posted invoice."""
        uow = self.uow
        quote = create_document(
            uow, NewDocument("sales_quote", self.customer, self.content), actor_id=self.clerk
        )
        submit_document(uow, document_id=quote, actor_id=self.clerk)
        advance_document(uow, document_id=quote, action=StepAction.CONFIRM, actor_id=self.clerk)
        advance_document(uow, document_id=quote, action=StepAction.DELIVER, actor_id=self.clerk)
        self._complete(quote, "approval", self.approver)
        self._complete(quote, "numbering", self.numberer)

    def _complete(self, quote_id: int, lane: str, actor_id: int) -> None:
        task_id = self.open_task(quote_id, lane)
        complete_task(self.uow, task_id=task_id, actor_id=actor_id, decision="approve")

    def open_task(self, quote_id: int, lane: str) -> int:
        """Return the quote's open task in ``lane`` (what a person finds in the cartable)."""
        with self.uow as uow:
            instance = uow.session.scalar(
                select(ProcessInstance.id).where(ProcessInstance.document_id == quote_id)
            )
            task_id = uow.session.scalar(
                select(HumanTask.id).where(
                    HumanTask.instance_id == instance,
                    HumanTask.status == "open",
                    HumanTask.lane == lane,
                )
            )
        assert task_id is not None, (quote_id, lane)
        return task_id


def measure_chain(uow: UnitOfWork, instances: int) -> float:
    chain = Chain(uow)
    for _ in range(3):  # warm-up: caches, first-use imports, the process spec
        chain.one()
    started = time.perf_counter()
    for _ in range(instances):
        chain.one()
    return instances / (time.perf_counter() - started)


def fill_tasks(engine: Engine, count: int) -> None:
    """Add ``count`` open tasks spread over lanes, users and two years of creation times."""
    with engine.connect() as conn:
        user_ids = list(conn.scalars(select(User.id)))
    rng = random.Random(7)
    now = clock.now()
    with engine.begin() as conn:
        instance_ids = []
        for offset in range(0, count, 1000):
            result = conn.execute(
                insert(ProcessInstance).returning(ProcessInstance.id),
                [
                    {
                        "version_id": 1,
                        "process_id": "document_approval",
                        "status": "running",
                        "state": {},
                    }
                    for _ in range(min(1000, count - offset))
                ],
            )
            instance_ids.extend(result.scalars())
        rows: list[dict[str, Any]] = []
        for i, instance_id in enumerate(instance_ids):
            rows.append(
                {
                    "instance_id": instance_id,
                    "task_guid": str(uuid.UUID(int=rng.getrandbits(128))),
                    "element_id": "approve_document",
                    "name": "Approve",
                    "lane": rng.choice(LANES),
                    "assignee_id": rng.choice(user_ids) if rng.random() < 0.1 else None,
                    "created_at": now - timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60)),
                    "document_type": "sales_invoice",
                    "document_label": f"#{i}",
                    "contact_name": "مشتری",
                    "amount": Decimal(rng.randrange(1, 10**6)) * 1000,
                    "status": "open",
                }
            )
            if len(rows) == 5000:
                conn.execute(insert(HumanTask), rows)
                rows.clear()
        if rows:
            conn.execute(insert(HumanTask), rows)


def measure_cartable(uow: UnitOfWork, rounds: int) -> tuple[float, float]:
    with uow:
        approver = uow.users.by_username("approver").id  # type: ignore[union-attr]
    for _ in range(10):
        list_cartable(uow, actor_id=approver, cartable="approval")
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        page = list_cartable(uow, actor_id=approver, cartable="approval")
        timings.append((time.perf_counter() - started) * 1000)
        assert len(page) == 50
    quantiles = statistics.quantiles(timings, n=100)
    return statistics.median(timings), quantiles[94]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--database-url")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="PostgreSQL synchronous_commit=off on the bench database (no fsync wait)",
    )
    args = parser.parse_args(argv)

    with database(args) as url:
        engine = make_engine(url)
        if args.async_commit and engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                name = engine.url.database
                conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
            engine.dispose()
        upgrade(engine)
        uow = UnitOfWork(make_session_factory(engine))
        ensure_defaults(uow)
        load_demo(uow)

        chain_per_s = measure_chain(uow, args.instances)
        ceiling_per_s = workflow_ceiling.run_in_memory(args.instances)
        fill_tasks(engine, args.tasks)
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("ANALYZE")
        p50, p95 = measure_cartable(uow, args.rounds)
        figures = {
            "database": engine.dialect.name,
            "synchronous_commit": "off" if args.async_commit else "on",
            "instances": args.instances,
            "chain_per_s": round(chain_per_s, 1),
            "ceiling_per_s": round(ceiling_per_s, 1),
            "ratio": round(chain_per_s / ceiling_per_s, 3),
            "ratio_target": 0.25,
            "open_tasks": args.tasks,
            "cartable_p50_ms": round(p50, 2),
            "cartable_p95_ms": round(p95, 2),
            "cartable_p95_target_ms": 20,
        }
        engine.dispose()
    print(json.dumps(figures, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    main()
