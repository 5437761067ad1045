"""One follow-up pass over 100,000 posted invoices of which 10,000 are overdue (issue 5).

Set-up (not timed): a throwaway database (PostgreSQL by default, see bench.support),
``--customers`` customers, ``--invoices`` posted sales invoices spread over them, of
which ``--overdue`` are 7 to 40 days past due and belong to ``--late`` customers; the
rest fall due 10 to 60 days from today. Invoices and customers are bulk-inserted (the
posting path is measured by bench.chain); every customer then gets its real follow-up
instance through the service layer (start_customer_instance: plan_followup runs and
the timer is stored), as posting would have done.

Timed: ``process_followups(on=today)`` exactly as ``cartable followups run`` and Celery
beat call it: due customers found on the indexed (status, next_date), each late
customer's workflow restored, its timer fired, the open balance re-checked, outbox rows,
history rows and the next instance written, 100 customers per transaction. Then the
same pass again (a re-run: nothing due, nothing written) and a dry run before both.

Run: ``.venv/bin/python -m bench.followups`` (target on PostgreSQL: pass < 30 s).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import multiprocessing
import os
import pstats
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select

from bench.support import database
from engine import clock
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models.contacts import Contact
from engine.models.documents import Document
from engine.models.followups import CustomerFollowup
from engine.models.outbox import OutboxMessage
from engine.models.workflow import ProcessInstance
from engine.services.followups.passes import follow_customers, process_followups
from engine.services.setup.bootstrap import ensure_defaults
from engine.services.setup.demo import load_demo
from engine.services.unit_of_work import UnitOfWork

LANGUAGES = ("fa", "fa", "ar", "en")
BATCH = 5000


def seed(uow: UnitOfWork, args: argparse.Namespace) -> dict[str, Any]:
    """Insert customers and posted invoices; start every customer's follow-up."""
    rng = random.Random(5)
    today = clock.business_today()
    with uow:
        clerk = uow.users.by_username("clerk")
        assert clerk is not None
        type_id = uow.types.by_code("sales_invoice").id
        rows = [
            {
                "name": f"مشتری {i:05d}",
                "kind": "customer",
                "language": LANGUAGES[i % len(LANGUAGES)],
                "email": f"c{i}@example.com",
                "mobile": f"+98912{i:07d}",
                "invoice_address": "تهران",
                "owner_id": clerk.id,
                "created_at": clock.now(),
                "lock_version": 1,
            }
            for i in range(args.customers)
        ]
        uow.session.execute(insert(Contact), rows)
        contact_ids = list(
            uow.session.scalars(select(Contact.id).where(Contact.name.like("مشتری %")))
        )
        late = contact_ids[: args.late]
        docs: list[dict[str, Any]] = []
        for n in range(args.invoices):
            overdue = n < args.overdue
            contact_id = late[n % len(late)] if overdue else rng.choice(contact_ids)
            days = -rng.randint(7, 40) if overdue else rng.randint(10, 60)
            total = Decimal(rng.randrange(1_000_000, 900_000_000, 1000))
            docs.append(_invoice(n, type_id, contact_id, clerk.id, today + timedelta(days), total))
            if len(docs) == BATCH:
                uow.session.execute(insert(Document), docs)
                docs = []
        if docs:
            uow.session.execute(insert(Document), docs)
        now = clock.now()
        uow.session.execute(
            insert(CustomerFollowup),
            [
                {
                    "contact_id": cid,
                    "status": "none",
                    "mode": "automatic",
                    "responsible_id": clerk.id,
                    "next_date_manual": False,
                    "updated_at": now,
                    "lock_version": 1,
                }
                for cid in contact_ids
            ],
        )
        uow.commit()
    started = time.perf_counter()
    follow_customers(uow, contact_ids=contact_ids)
    return {"late_customers": len(late), "instances_s": round(time.perf_counter() - started, 1)}


def _invoice(
    n: int, type_id: int, contact_id: int, user_id: int, due: Any, total: Decimal
) -> dict[str, Any]:
    now = clock.now()
    return {
        "type_id": type_id,
        "contact_id": contact_id,
        "state": "posted",
        "number": f"INV-B-{n:06d}",
        "issue_date": due - timedelta(days=30),
        "due_date": due,
        "currency": "IRR",
        "notes": "",
        "subtotal": total,
        "discount": Decimal(0),
        "additions": Decimal(0),
        "tax": Decimal(0),
        "levy": Decimal(0),
        "total": total,
        "paid": Decimal(0),
        "created_by": user_id,
        "created_at": now,
        "updated_at": now,
        "posted_at": now,
        "lock_version": 1,
    }


def _pass_shard(
    url: str, index: int, count: int, profile: bool = False
) -> tuple[float, float, list[int]]:
    """Run one shard of the pass in this process; return its start, end and customers.

    With ``profile`` the shard runs under cProfile and the top functions by own time
    are printed to stderr and saved to ./followups.prof (the pass then takes longer:
    read the shares, not the time).
    """
    engine = make_engine(url)
    uow = UnitOfWork(make_session_factory(engine))
    profiler = cProfile.Profile() if profile else None
    start = time.time()
    if profiler:
        profiler.enable()
    sent = process_followups(uow, on=clock.business_today(), shard=(index, count))
    end = time.time()
    if profiler:
        profiler.disable()
        profiler.dump_stats("followups.prof")  # for snakeviz or pstats
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    engine.dispose()
    return start, end, [m.contact_id for m in sent]


def measure(uow: UnitOfWork, url: str, workers: int, profile: bool = False) -> dict[str, Any]:
    """Time a dry run, the pass (``workers`` processes, one shard each), and a re-run."""
    today = clock.business_today()
    t0 = time.perf_counter()
    preview = process_followups(uow, on=today, dry_run=True)
    t1 = time.perf_counter()
    if workers == 1:
        start, end, contacts = _pass_shard(url, 0, 1, profile)
        shards = [(start, end, contacts)]
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            shards = pool.starmap(_pass_shard, [(url, i, workers) for i in range(workers)])
    pass_s = max(s[1] for s in shards) - min(s[0] for s in shards)
    messages = sum(len(s[2]) for s in shards)
    customers = len({cid for s in shards for cid in s[2]})
    t2 = time.perf_counter()
    again = process_followups(uow, on=today)
    t3 = time.perf_counter()
    with uow:
        outbox = uow.session.scalar(select(func.count()).select_from(OutboxMessage))
        invoices = uow.session.scalar(select(func.count()).select_from(Document))
        instances = uow.session.scalar(select(func.count()).select_from(ProcessInstance))
    return {
        "invoices": invoices,
        "dry_run_s": round(t1 - t0, 2),
        "dry_run_messages": len(preview),
        "workers": workers,
        "pass_s": round(pass_s, 2),
        "customers_processed": customers,
        "messages_queued": messages,
        "outbox_rows": outbox,
        "ms_per_customer": round(pass_s * 1000 / max(customers, 1), 2),
        "rerun_s": round(t3 - t2, 2),
        "rerun_messages": len(again),
        "process_instances": instances,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "target_s": 30,
        "met": pass_s < 30,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--overdue", type=int, default=10_000)
    parser.add_argument("--late", type=int, default=2000, help="customers holding the overdue")
    parser.add_argument("--workers", type=int, default=1, help="processes sharing the pass")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the pass (1 worker)")
    args = parser.parse_args()
    with database(args) as url:
        engine = make_engine(url)
        upgrade(engine)
        uow = UnitOfWork(make_session_factory(engine))
        ensure_defaults(uow)
        load_demo(uow)
        seeded = seed(uow, args)
        figures = {
            "database": engine.dialect.name,
            **seeded,
            **measure(uow, url, args.workers, args.profile),
        }
        engine.dispose()
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
