"""A contact's account: balance, total due, history, and "pay the amount due" (SPEC P6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine import clock
from engine.domain.errors import ValidationFailed
from engine.services.accounts.payments import (
    Allocation,
    NewPayment,
    PaymentView,
    payment_view,
    record_payment,
)
from engine.services.accounts.statements import Statement, build_statement
from engine.services.contacts.records import ContactView, contact_view
from engine.services.reporting.reports import InvoiceRow, Period, invoice_report
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import account_viewer, load_actor, viewer_of

HISTORY_LIMIT = 200


@dataclass(frozen=True)
class DocumentLine:
    id: int
    type: str
    type_name: str
    number: str | None
    state: str
    issue_date: date
    due_date: date | None
    total: Decimal
    paid: Decimal


@dataclass(frozen=True)
class ContactAccount:
    contact: ContactView
    balance: Decimal  # ledger: positive, the contact owes us
    total_due: Decimal  # open receivables
    overdue: Decimal
    open_invoices: list[InvoiceRow]
    documents: list[DocumentLine]
    payments: list[PaymentView]
    ledger: Statement  # every entry with a running balance


@dataclass(frozen=True)
class ContactRow:
    id: int
    name: str
    kind: str
    email: str | None
    mobile: str | None
    language: str
    customer_number: str | None
    balance: Decimal
    total_due: Decimal


def contact_rows(
    uow: UnitOfWork,
    *,
    actor_id: int,
    q: str | None = None,
    kind: str | None = None,
    group_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[ContactRow]:
    """Return a page of contacts with balance and amount due (two grouped queries).

    Both are sums over what the actor may see (T3.11, engine.repositories.visibility).
    """
    with uow:
        viewer = account_viewer(uow, actor_id)
        contacts = uow.contacts.list(
            kind=kind, q=q, group_id=group_id, limit=min(limit, 500), offset=offset
        )
        ids = [c.id for c in contacts]
        balances = uow.ledger.balances(ids, viewer)
        due = uow.reports.open_amounts(ids, viewer)
        return [
            ContactRow(
                c.id,
                c.name,
                c.kind,
                c.email,
                c.mobile,
                c.language,
                c.customer_number,
                balances.get(c.id) or Decimal(0),
                due.get(c.id) or Decimal(0),
            )
            for c in contacts
        ]


def contact_account(uow: UnitOfWork, *, contact_id: int, actor_id: int) -> ContactAccount:
    """Return the contact page's data: balance, amount due, documents, payments, ledger.

    Every row and sum is of what the actor may see (T3.11): a hidden invoice is in
    neither the lists nor the balance. PermissionDenied for a user who may not read
    accounts; NotFound for an unknown contact.
    """
    today = clock.business_today()
    with uow:
        viewer = account_viewer(uow, actor_id)
        contact = contact_view(uow, uow.contacts.get(contact_id), viewer)
        open_report = invoice_report(
            uow, as_of=today, contact_ids=[contact_id], limit=1000, viewer=viewer
        )
        items = uow.reports.open_installments(as_of=today, contact_ids=[contact_id], viewer=viewer)
        overdue = sum((r.open for r in items if r.days_overdue), Decimal(0))  # per instalment
        documents = [
            DocumentLine(
                d.id, t.code, t.name, d.number, d.state, d.issue_date, d.due_date, d.total, d.paid
            )
            for d, t in uow.documents.history_of(contact_id, viewer, HISTORY_LIMIT)
        ]
        payments = [
            payment_view(p)
            for p in uow.payments.list(contact_id=contact_id, viewer=viewer, limit=HISTORY_LIMIT)
        ]
        return ContactAccount(
            contact=contact,
            balance=contact.balance or Decimal(0),
            total_due=open_report.open,
            overdue=overdue,
            open_invoices=open_report.rows,
            documents=documents,
            payments=payments,
            ledger=build_statement(uow, contact_id, Period(), viewer),
        )


def pay_amount_due(
    uow: UnitOfWork,
    *,
    contact_id: int,
    actor_id: int,
    method: str,
    amount: Decimal | None = None,
    received_on: date | None = None,
    reference: str = "",
    cheque_number: str | None = None,
    cheque_due_date: date | None = None,
) -> int:
    """Record a payment settling the contact's open invoices, oldest due first (P6).

    ``amount`` defaults to the whole amount due; more than is due stays on the account
    as an unallocated credit. Raises ValidationFailed naming ``amount`` when nothing is
    due or the amount is not positive; record_payment's own checks (permission, a
    cheque's due date, an invoice paid meanwhile) apply unchanged.
    """
    with uow:
        viewer = viewer_of(uow, load_actor(uow, actor_id))
        uow.contacts.get(contact_id)
        rows = invoice_report(  # the invoices the payer sees on the page (T3.11)
            uow, as_of=clock.business_today(), contact_ids=[contact_id], limit=1000, viewer=viewer
        ).rows
    due = sum((r.open for r in rows), Decimal(0))
    if due <= 0:
        raise ValidationFailed.single("amount", "nothing is due from this contact")
    to_pay = due if amount is None else amount
    if to_pay <= 0:
        raise ValidationFailed.single("amount", "must be greater than zero")
    allocations, left = [], to_pay
    for row in rows:  # invoice_report lists the oldest due date first
        if left <= 0:
            break
        part = min(left, row.open)
        allocations.append(Allocation(row.document_id, part))
        left -= part
    return record_payment(
        uow,
        NewPayment(
            contact_id=contact_id,
            amount=to_pay,
            method=method,
            allocations=allocations,
            received_on=received_on,
            reference=reference or "pay amount due",
            cheque_number=cheque_number,
            cheque_due_date=cheque_due_date,
        ),
        actor_id=actor_id,
    )
