"""Gapless numbering under contention (SPEC T3.13, ARCHITECTURE §4): 50 documents of one
type go through both cartables with 8 workers racing for every task; the numbers are
exactly 1..50. Runs on SQLite (writers serialize) and, in the PostgreSQL pass, on real
row locks."""

from __future__ import annotations

import random
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from sqlalchemy import Engine, select

from engine.db import make_session_factory
from engine.domain.errors import Conflict
from engine.models.documents import Document
from engine.models.workflow import HumanTask
from engine.services.cartable.tasks import complete_task
from engine.services.documents.commands import NewDocument, create_document, submit_document
from engine.services.documents.content import Content, LineCommand
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user

WORKERS = 8
DOCUMENTS = 50


def open_tasks(uow: UnitOfWork, lane: str) -> list[int]:
    with uow:
        query = select(HumanTask.id).where(HumanTask.status == "open", HumanTask.lane == lane)
        return list(uow.session.scalars(query))


def race(engine: Engine, task_ids: list[int], user_ids: list[int]) -> Counter[str]:
    """Every worker tries to complete every task, in its own order; count the outcomes."""
    factory = make_session_factory(engine)

    def worker(user_id: int) -> Counter[str]:
        outcomes: Counter[str] = Counter()
        order = task_ids[:]
        random.Random(user_id).shuffle(order)
        for task_id in order:
            try:
                complete_task(
                    UnitOfWork(factory), task_id=task_id, actor_id=user_id, decision="approve"
                )
                outcomes["done"] += 1
            except Conflict:
                outcomes["conflict"] += 1
        return outcomes

    with ThreadPoolExecutor(max_workers=len(user_ids)) as pool:
        return sum(pool.map(worker, user_ids), Counter())


def test_fifty_documents_numbered_by_eight_racing_workers_get_exactly_1_to_50(
    uow: UnitOfWork, engine: Engine
) -> None:
    with uow:
        clerk = uow.users.by_username("clerk")
        desk = next(p for p in uow.products.list() if p.name == "میز قابل تنظیم")
        customer = next(c for c in uow.contacts.list() if c.credit_limit is None)
        clerk_id, desk_id, customer_id = clerk.id, desk.id, customer.id
    approvers = [
        create_user(uow, username=f"approver{i}", password="x" * 12, roles=["approver"])
        for i in range(WORKERS)
    ]
    numberers = [
        create_user(uow, username=f"numberer{i}", password="x" * 12, roles=["numberer"])
        for i in range(WORKERS)
    ]
    content = Content(lines=[LineCommand(desk_id, Decimal(1), Decimal(1000))])
    for _ in range(DOCUMENTS):
        doc_id = create_document(
            uow, NewDocument("sales_invoice", customer_id, content), actor_id=clerk_id
        )
        submit_document(uow, document_id=doc_id, actor_id=clerk_id)

    approvals = race(engine, open_tasks(uow, "approval"), approvers)
    numbering = race(engine, open_tasks(uow, "numbering"), numberers)

    assert approvals["done"] == DOCUMENTS and numbering["done"] == DOCUMENTS
    assert numbering["conflict"] == DOCUMENTS * (WORKERS - 1)
    with uow:
        rows = uow.session.execute(select(Document.number, Document.state)).all()
    assert {state for _, state in rows} == {"posted"}
    sequence = sorted(int(re.findall(r"\d+", number)[-1]) for number, _ in rows)
    assert sequence == list(range(1, DOCUMENTS + 1))
