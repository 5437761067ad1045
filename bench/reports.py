"""The I12/E6/F10 reports over 100,000 posted invoices (issue 4, target: well under 1 s).

Set-up (not timed): a throwaway database (PostgreSQL by default, see bench.support),
``--customers`` customers and ``--invoices`` posted sales invoices bulk-inserted over
two years, a quarter of them partly or fully paid, due dates spread so every ageing
bucket is filled; ``--payments`` payment rows; then ANALYZE. The posting path itself is
measured by bench.chain.

Timed, each ``--rounds`` times around the service call (unit of work, permission check,
SQL, mapping), p50 and p95 in ms: unpaid (totals + first 100 rows), overdue, received
over a year (per contact and per month), collection percentage over a year, ageing
(buckets + per customer), the follow-up report (per customer, first 1,000 invoices),
and one customer's statement.

Run: ``.venv/bin/python -m bench.reports [--invoices 100000] [--sqlite]``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, text

from bench.support import database
from engine import clock
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models.contacts import Contact
from engine.models.documents import Document
from engine.models.ledger import LedgerEntry, Payment
from engine.services.accounts.statements import customer_statements, followup_report
from engine.services.reporting import reports
from engine.services.setup.bootstrap import ensure_defaults
from engine.services.setup.demo import load_demo
from engine.services.unit_of_work import UnitOfWork

BATCH = 5000


def seed(uow: UnitOfWork, args: argparse.Namespace) -> dict[str, int]:
    """Bulk-insert customers, posted invoices with ledger rows, and payments."""
    rng = random.Random(12)
    today = clock.business_today()
    with uow:
        admin = uow.users.by_username("admin")
        assert admin is not None
        type_id = uow.types.by_code("sales_invoice").id
        uow.session.execute(
            insert(Contact),
            [
                {"name": f"مشتری گزارش {i:05d}", "kind": "customer", "language": "fa"}
                | {"lock_version": 1, "created_at": clock.now()}
                for i in range(args.customers)
            ],
        )
        contacts = list(
            uow.session.scalars(select(Contact.id).where(Contact.name.like("مشتری گزارش %")))
        )
        docs: list[dict[str, Any]] = []
        for n in range(args.invoices):
            issued = today - timedelta(days=rng.randint(0, 730))
            total = Decimal(rng.randrange(1_000_000, 500_000_000, 1000))
            paid = rng.choice((Decimal(0), Decimal(0), Decimal(0), total / 2, total))
            docs.append(_invoice(n, type_id, rng.choice(contacts), admin.id, issued, total, paid))
            if len(docs) == BATCH:
                _insert_docs(uow, docs)
                docs = []
        if docs:
            _insert_docs(uow, docs)
        payments = [
            {
                "contact_id": rng.choice(contacts),
                "amount": Decimal(rng.randrange(1_000_000, 100_000_000, 1000)),
                "method": rng.choice(("cash", "bank")),
                "received_on": today - timedelta(days=rng.randint(0, 730)),
                "reference": "",
                "created_by": admin.id,
                "created_at": clock.now(),
                "lock_version": 1,
            }
            for _ in range(args.payments)
        ]
        for i in range(0, len(payments), BATCH):
            uow.session.execute(insert(Payment), payments[i : i + BATCH])
        uow.commit()
        if uow.session.get_bind().dialect.name == "postgresql":
            uow.session.execute(text("ANALYZE"))
        return {"contacts": len(contacts), "sample_contact": contacts[0], "admin": admin.id}


def _insert_docs(uow: UnitOfWork, docs: list[dict[str, Any]]) -> None:
    ids = list(uow.session.scalars(insert(Document).returning(Document.id), docs))
    uow.session.execute(
        insert(LedgerEntry),
        [
            {
                "contact_id": d["contact_id"],
                "document_id": doc_id,
                "kind": "document",
                "entry_date": d["issue_date"],
                "debit": d["total"],
                "credit": Decimal(0),
                "memo": d["number"],
                "created_at": clock.now(),
            }
            for doc_id, d in zip(ids, docs, strict=True)
        ],
    )


def _invoice(
    n: int, type_id: int, contact_id: int, user_id: int, issued: date, total: Decimal, paid: Decimal
) -> dict[str, Any]:
    now = clock.now()
    state = "paid" if paid >= total else ("partially_paid" if paid else "posted")
    return {
        "type_id": type_id,
        "contact_id": contact_id,
        "state": state,
        "number": f"INV-R-{n:06d}",
        "issue_date": issued,
        "due_date": issued + timedelta(days=30),
        "currency": "IRR",
        "notes": "",
        "subtotal": total,
        "discount": Decimal(0),
        "additions": Decimal(0),
        "tax": Decimal(0),
        "levy": Decimal(0),
        "total": total,
        "paid": paid,
        "created_by": user_id,
        "created_at": now,
        "updated_at": now,
        "posted_at": now,
        "lock_version": 1,
    }


def timed(call: Callable[[], object], rounds: int) -> dict[str, float]:
    """Return p50 and p95 in ms of ``rounds`` calls (after one warm-up call)."""
    call()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 1),
    }


def measure(uow: UnitOfWork, seeded: dict[str, int], rounds: int) -> dict[str, Any]:
    """Time each report through its service function."""
    actor = seeded["admin"]
    today = clock.business_today()
    year = reports.Period(today - timedelta(days=365), today)
    calls: dict[str, Callable[[], object]] = {
        "unpaid": lambda: reports.unpaid_invoices(uow, actor_id=actor),
        "overdue": lambda: reports.unpaid_invoices(uow, actor_id=actor, overdue_only=True),
        "received_year": lambda: reports.received_from_customers(uow, actor_id=actor, period=year),
        "collection_year": lambda: reports.collection_percentage(uow, actor_id=actor, period=year),
        "ageing": lambda: reports.ageing(uow, actor_id=actor),
        "followup_report": lambda: followup_report(uow, actor_id=actor),
        "statement_one": lambda: customer_statements(
            uow, actor_id=actor, contact_ids=[seeded["sample_contact"]]
        ),
    }
    return {name: timed(call, rounds) for name, call in calls.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--payments", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url")
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    with database(args) as url:
        engine = make_engine(url)
        upgrade(engine)
        uow = UnitOfWork(make_session_factory(engine))
        ensure_defaults(uow)
        load_demo(uow)
        started = time.perf_counter()
        seeded = seed(uow, args)
        seed_s = round(time.perf_counter() - started, 1)
        figures = measure(uow, seeded, args.rounds)
        engine.dispose()
    print(
        json.dumps(
            {
                "database": url.split(":", 1)[0],
                "invoices": args.invoices,
                "customers": seeded["contacts"],
                "seed_s": seed_s,
                **figures,
            }
        )
    )


if __name__ == "__main__":
    main()
