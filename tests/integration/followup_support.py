"""Steps the follow-up tests share: customers, posted invoices, payments, counting rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from engine.models import Base
from engine.models.outbox import OutboxMessage
from engine.services.accounts.payments import Allocation, NewPayment, record_payment
from engine.services.contacts.records import NewContact, create_contact
from engine.services.documents.commands import NewDocument, create_document, submit_document
from engine.services.documents.content import Content, LineCommand
from engine.services.documents.types import update_type
from engine.services.unit_of_work import UnitOfWork

TEHRAN = ZoneInfo("Asia/Tehran")


def at(day: date, hour: int = 9) -> datetime:
    """Return ``hour`` o'clock of ``day`` in Tehran, as aware UTC (for time-machine)."""
    return datetime.combine(day, time(hour), TEHRAN).astimezone(UTC)


def post_directly(uow: UnitOfWork, ids: dict[str, int]) -> None:
    """Let sales invoices post on submit (no approval, no numbering), to keep tests short."""
    update_type(
        uow,
        code="sales_invoice",
        changes={"requires_approval": False, "requires_numbering": False},
        actor_id=ids["admin"],
    )


def customer(
    uow: UnitOfWork,
    ids: dict[str, int],
    name: str,
    *,
    language: str = "fa",
    email: str | None = "c@example.com",
    mobile: str | None = "+989120000000",
    owner: str | None = "clerk",
) -> int:
    """Create a customer with unlimited credit; return its id."""
    return create_contact(
        uow,
        NewContact(
            name=name,
            kind="customer",
            language=language,
            email=email,
            mobile=mobile,
            invoice_address="تهران، خیابان آزادی، پلاک ۱",
            owner_id=ids[owner] if owner else None,
        ),
        actor_id=ids["admin"],
    )


def posted_invoice(
    uow: UnitOfWork, ids: dict[str, int], contact_id: int, due: date, price: str = "1000000"
) -> int:
    """Create and submit a sales invoice due on ``due``; return its id (posted)."""
    doc_id = create_document(
        uow,
        NewDocument(
            type_code="sales_invoice",
            contact_id=contact_id,
            content=Content(lines=[LineCommand(ids["desk"], Decimal(1), Decimal(price))]),
            due_date=due,
        ),
        actor_id=ids["clerk"],
    )
    assert submit_document(uow, document_id=doc_id, actor_id=ids["clerk"]) == "posted"
    return doc_id


def pay_in_full(uow: UnitOfWork, ids: dict[str, int], contact_id: int, document_id: int) -> None:
    """Record a bank payment settling the invoice."""
    with uow:
        total = uow.documents.get(document_id).total
    record_payment(
        uow,
        NewPayment(
            contact_id=contact_id,
            amount=total,
            method="bank",
            allocations=[Allocation(document_id, total)],
        ),
        actor_id=ids["accountant"],
    )


def messages(uow: UnitOfWork, contact_id: int | None = None) -> list[OutboxMessage]:
    """Return outbox rows (of one customer), oldest first, detached."""
    with uow:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if contact_id is not None:
            stmt = stmt.where(OutboxMessage.contact_id == contact_id)
        rows = list(uow.session.scalars(stmt))
        for row in rows:
            _ = row.document_ids
        uow.session.expunge_all()
        return rows


def row_counts(uow: UnitOfWork) -> dict[str, int]:
    """Return the number of rows of every table."""
    with uow:
        return {
            table.name: int(uow.session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }
