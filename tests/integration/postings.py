"""Real postings for report tests: invoices created, approved, numbered and paid through
the services, exactly as users would, with chosen issue and due dates."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine

from engine.services.accounts.payments import (
    Allocation,
    NewPayment,
    record_payment,
    set_cheque_state,
)
from engine.services.cartable.tasks import complete_task
from engine.services.contacts.records import NewContact, create_contact
from engine.services.documents.commands import (
    NewDocument,
    cancel_document,
    create_document,
    submit_document,
)
from engine.services.documents.content import Content, LineCommand
from engine.services.unit_of_work import UnitOfWork

LANE_USER = {"approval": "approver", "numbering": "numberer"}


@contextmanager
def on_day(day: date) -> Iterator[None]:
    """Run as if it were ``day`` (08:00 UTC, the same date in Tehran): ledger rows get it."""
    with time_machine.travel(datetime(day.year, day.month, day.day, 8, tzinfo=UTC), tick=False):
        yield


def customer(uow: UnitOfWork, ids: dict[str, int], name: str, **extra: object) -> int:
    """Create a customer with no credit limit and return its id."""
    cmd = NewContact(name=name, kind="customer", **extra)  # type: ignore[arg-type]
    return create_contact(uow, cmd, actor_id=ids["admin"])


def posted_invoice(
    uow: UnitOfWork,
    ids: dict[str, int],
    contact_id: int,
    price: str,
    *,
    issued: date,
    due: date,
    product: str = "desk",
) -> int:
    """Create a sales invoice of one line (+9% tax), walk both cartables; return its id.

    Everything happens on the issue date, so the ledger entry carries that date.
    """
    with on_day(issued):
        return _post(uow, ids, contact_id, price, issued=issued, due=due, product=product)


def _post(
    uow: UnitOfWork,
    ids: dict[str, int],
    contact_id: int,
    price: str,
    *,
    issued: date,
    due: date,
    product: str,
) -> int:
    content = Content(lines=[LineCommand(ids[product], Decimal(1), Decimal(price))])
    doc_id = create_document(
        uow,
        NewDocument("sales_invoice", contact_id, content, issue_date=issued, due_date=due),
        actor_id=ids["clerk"],
    )
    submit_document(uow, document_id=doc_id, actor_id=ids["clerk"])
    walk_cartables(uow, ids, doc_id)
    with uow:
        assert uow.documents.get(doc_id).state == "posted"
    return doc_id


def walk_cartables(uow: UnitOfWork, ids: dict[str, int], doc_id: int) -> None:
    """Approve a submitted document in each cartable it reaches (at most three)."""
    for _ in range(3):
        with uow:
            tasks = [(t.id, t.lane) for t in uow.tasks.open_of_document(doc_id)]
        if not tasks:
            return
        task_id, lane = tasks[0]
        complete_task(uow, task_id=task_id, actor_id=ids[LANE_USER[lane]], decision="approve")


def pay(
    uow: UnitOfWork,
    ids: dict[str, int],
    contact_id: int,
    amount: str,
    allocations: dict[int, str],
    *,
    on: date,
    method: str = "bank",
    cheque_due: date | None = None,
) -> int:
    """Record a payment allocated to the given invoices, on that day; return its id."""
    with on_day(on):
        return _record(uow, ids, contact_id, amount, allocations, on, method, cheque_due)


def _record(
    uow: UnitOfWork,
    ids: dict[str, int],
    contact_id: int,
    amount: str,
    allocations: dict[int, str],
    on: date,
    method: str,
    cheque_due: date | None,
) -> int:
    return record_payment(
        uow,
        NewPayment(
            contact_id=contact_id,
            amount=Decimal(amount),
            method=method,
            allocations=[Allocation(d, Decimal(a)) for d, a in allocations.items()],
            received_on=on,
            cheque_due_date=cheque_due,
        ),
        actor_id=ids["accountant"],
    )


def cancel(uow: UnitOfWork, ids: dict[str, int], document_id: int) -> None:
    """Cancel a posted document (reversing rows, I10)."""
    cancel_document(uow, document_id=document_id, actor_id=ids["accountant"], reason="test")


def ageing_book(uow: UnitOfWork, ids: dict[str, int]) -> dict[str, int]:
    """Two customers, six invoices in every ageing bucket, payments, a cancellation."""
    a = customer(uow, ids, "مشتری الف")
    b = customer(uow, ids, "مشتری ب")
    out = {"a": a, "b": b}
    # name: (contact, net price, issued, due); each total is price * 1.09
    plan = {
        "a_old": (a, "10000000", date(2026, 3, 1), date(2026, 3, 31)),  # 91 days: 90+
        "a_may": (a, "20000000", date(2026, 5, 1), date(2026, 5, 20)),  # 41 days: 31-60
        "b_cur": (b, "5000000", date(2026, 6, 1), date(2026, 7, 15)),  # not yet due
        "b_paid": (b, "1000000", date(2026, 6, 10), date(2026, 6, 20)),  # paid in full
        "b_apr": (b, "2000000", date(2026, 4, 10), date(2026, 4, 25)),  # 66 days: 61-90
        "b_jun": (b, "4000000", date(2026, 6, 5), date(2026, 6, 20)),  # 10 days: 1-30
        "b_cancel": (b, "3000000", date(2026, 6, 2), date(2026, 6, 3)),  # cancelled
    }
    for key, (contact, price, issued, due) in plan.items():
        out[key] = posted_invoice(uow, ids, contact, price, issued=issued, due=due)
    with on_day(date(2026, 6, 3)):  # reports as of a day see what was done by then
        cancel(uow, ids, out["b_cancel"])
    pay(uow, ids, a, "900000", {out["a_old"]: "900000"}, on=date(2026, 4, 5))
    pay(uow, ids, b, "1090000", {out["b_paid"]: "1090000"}, on=date(2026, 6, 15))
    # A cheque that bounces: received, then reopened; it counts nowhere.
    cheque = pay(
        uow,
        ids,
        b,
        "2180000",
        {out["b_apr"]: "2180000"},
        on=date(2026, 5, 1),
        method="cheque",
        cheque_due=date(2026, 5, 10),
    )
    with on_day(date(2026, 5, 12)):
        set_cheque_state(uow, payment_id=cheque, state="bounced", actor_id=ids["accountant"])
    return out
