"""Real postings for report tests: invoices created, approved, numbered and paid through
the services, exactly as users would, with chosen issue and due dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from engine.services.contacts import NewContact, create_contact
from engine.services.document_content import Content, LineCommand
from engine.services.documents import NewDocument, cancel_document, create_document, submit_document
from engine.services.payments import Allocation, NewPayment, record_payment
from engine.services.tasks import complete_task
from engine.services.unit_of_work import UnitOfWork

LANE_USER = {"approval": "approver", "numbering": "numberer"}


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
    """Create a sales invoice of one line (+9% tax), walk both cartables; return its id."""
    content = Content(lines=[LineCommand(ids[product], Decimal(1), Decimal(price))])
    doc_id = create_document(
        uow,
        NewDocument("sales_invoice", contact_id, content, issue_date=issued, due_date=due),
        actor_id=ids["clerk"],
    )
    submit_document(uow, document_id=doc_id, actor_id=ids["clerk"])
    for _ in range(3):
        with uow:
            tasks = [(t.id, t.lane) for t in uow.tasks.open_of_document(doc_id)]
        if not tasks:
            break
        task_id, lane = tasks[0]
        complete_task(uow, task_id=task_id, actor_id=ids[LANE_USER[lane]], decision="approve")
    with uow:
        assert uow.documents.get(doc_id).state == "posted"
    return doc_id


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
    """Record a payment allocated to the given invoices; return its id."""
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
