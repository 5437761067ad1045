"""Customer statements (SPEC F9) and the follow-up report of due vs overdue (F10).

A statement is the customer's part of the ledger over a period: the balance brought
forward, every entry in the period with a running balance (a window sum in SQL), the
closing balance and the invoices still open. The follow-up report groups open
receivables per customer into not-yet-due and overdue on a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select, type_coerce

from engine import clock
from engine.domain.errors import ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.states import OPEN
from engine.models.contacts import Contact
from engine.models.documents import Document
from engine.models.ledger import LedgerEntry, Payment
from engine.models.types import ExactDecimal
from engine.repositories.documents import open_expr, overdue_clause
from engine.repositories.visibility import Viewer, visible_documents, visible_ledger
from engine.services.reporting.reports import InvoiceRow, Period, invoice_report, receivables
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import account_viewer, load_actor, require, viewer_of

MAX_CONTACTS = 500  # statements of "many customers" per request
_ZERO = Decimal(0)


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    date: date
    kind: str  # opening | document | payment | reversal
    memo: str
    document_id: int | None
    number: str | None
    payment_id: int | None
    method: str | None
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    contact_id: int
    contact_name: str
    customer_number: str | None
    email: str | None
    language: str
    period: Period
    as_of: date
    opening: Decimal
    lines: list[StatementLine]
    debit: Decimal
    credit: Decimal
    closing: Decimal
    open_invoices: list[InvoiceRow]


@dataclass(frozen=True)
class FollowupCustomer:
    contact_id: int
    contact_name: str
    language: str
    due_count: int
    due_amount: Decimal
    overdue_count: int
    overdue_amount: Decimal
    total_open: Decimal
    invoices: list[InvoiceRow]


@dataclass(frozen=True)
class FollowupReport:
    as_of: date
    customers: list[FollowupCustomer]
    due_amount: Decimal
    overdue_amount: Decimal
    total_open: Decimal


def customer_statements(
    uow: UnitOfWork,
    *,
    actor_id: int,
    contact_ids: list[int] | None = None,
    period: Period | None = None,
) -> list[Statement]:
    """Return statements for the given contacts (None: every customer with entries).

    Raises PermissionDenied without a permission to read customers' ledgers,
    ValidationFailed naming ``to`` for a backwards period or ``contact_ids`` when
    too many are asked for at once.
    """
    period = period or Period()
    period.check()
    with uow:
        viewer = authorize_statements(uow, actor_id)
        ids = contact_ids if contact_ids is not None else contacts_with_entries(uow)
        if len(ids) > MAX_CONTACTS:
            raise ValidationFailed.single(
                "contact_ids", f"at most {MAX_CONTACTS} customers per statement run"
            )
        return [build_statement(uow, contact_id, period, viewer) for contact_id in ids]


def build_statement(
    uow: UnitOfWork, contact_id: int, period: Period, viewer: Viewer | None = None
) -> Statement:
    """Build one statement inside an open unit of work (no access check).

    Over the ledger entries ``viewer`` may see (T3.11): the opening, running and
    closing balances are sums of those only.
    """
    contact = uow.contacts.get(contact_id)
    as_of = period.end or clock.business_today()
    money = ExactDecimal()
    before = [LedgerEntry.contact_id == contact_id, visible_ledger(viewer)]
    if period.start:
        before.append(LedgerEntry.entry_date < period.start)
        opening = Decimal(
            uow.session.scalar(
                select(
                    type_coerce(
                        func.coalesce(func.sum(LedgerEntry.debit - LedgerEntry.credit), 0), money
                    )
                ).where(*before)
            )
            or 0
        )
    else:
        opening = _ZERO
    in_period = [LedgerEntry.contact_id == contact_id, visible_ledger(viewer)]
    if period.start:
        in_period.append(LedgerEntry.entry_date >= period.start)
    if period.end:
        in_period.append(LedgerEntry.entry_date <= period.end)
    running = type_coerce(
        func.sum(LedgerEntry.debit - LedgerEntry.credit).over(
            order_by=(LedgerEntry.entry_date, LedgerEntry.id)
        ),
        money,
    )
    stmt = (
        select(LedgerEntry, Document.number, Payment.method, running)
        .outerjoin(Document, Document.id == LedgerEntry.document_id)
        .outerjoin(Payment, Payment.id == LedgerEntry.payment_id)
        .where(*in_period)
        .order_by(LedgerEntry.entry_date, LedgerEntry.id)
    )
    lines = [
        StatementLine(
            entry_id=e.id,
            date=e.entry_date,
            kind=e.kind,
            memo=e.memo,
            document_id=e.document_id,
            number=number,
            payment_id=e.payment_id,
            method=method,
            debit=e.debit,
            credit=e.credit,
            balance=opening + Decimal(run),
        )
        for e, number, method, run in uow.session.execute(stmt)
    ]
    debit = sum((ln.debit for ln in lines), _ZERO)
    credit = sum((ln.credit for ln in lines), _ZERO)
    open_invoices = invoice_report(
        uow, as_of=as_of, contact_ids=[contact_id], limit=1000, viewer=viewer
    ).rows
    return Statement(
        contact_id=contact.id,
        contact_name=contact.name,
        customer_number=contact.customer_number,
        email=contact.email,
        language=contact.language,
        period=period,
        as_of=as_of,
        opening=opening,
        lines=lines,
        debit=debit,
        credit=credit,
        closing=opening + debit - credit,
        open_invoices=open_invoices,
    )


def followup_report(
    uow: UnitOfWork,
    *,
    actor_id: int,
    as_of: date | None = None,
    contact_ids: list[int] | None = None,
    with_invoices: bool = True,
) -> FollowupReport:
    """Return open receivables per customer, split into not yet due and overdue (F10)."""
    as_of = as_of or clock.business_today()
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, Perm.VIEW_ALL)
        return build_followup(
            uow,
            as_of=as_of,
            contact_ids=contact_ids,
            with_invoices=with_invoices,
            viewer=viewer_of(uow, actor),
        )


def build_followup(
    uow: UnitOfWork,
    *,
    as_of: date,
    contact_ids: list[int] | None = None,
    with_invoices: bool = True,
    viewer: Viewer | None = None,
) -> FollowupReport:
    """Build the follow-up report inside an open unit of work (no access check)."""
    open_ = open_expr()
    overdue = overdue_clause(as_of)
    money = ExactDecimal()
    where = [*receivables(uow, OPEN), open_ > _ZERO, visible_documents(viewer)]
    if contact_ids is not None:
        where.append(Document.contact_id.in_(contact_ids))
    stmt = (
        select(
            Document.contact_id,
            Contact.name,
            Contact.language,
            func.sum(case((overdue, 0), else_=1)),
            type_coerce(func.sum(case((overdue, 0), else_=Document.total - Document.paid)), money),
            func.sum(case((overdue, 1), else_=0)),
            type_coerce(func.sum(case((overdue, Document.total - Document.paid), else_=0)), money),
        )
        .join(Contact, Contact.id == Document.contact_id)
        .where(*where)
        .group_by(Document.contact_id, Contact.name, Contact.language)
    )
    rows: list[Any] = list(uow.session.execute(stmt))
    rows.sort(key=lambda r: (-(r[6] or 0), r[1]))  # most overdue first
    invoices: dict[int, list[InvoiceRow]] = {}
    if with_invoices and rows:
        # All customers: the first 1,000 invoices by due date, without a long IN list.
        listed = invoice_report(
            uow, as_of=as_of, contact_ids=contact_ids, limit=1000, viewer=viewer
        )
        for inv in listed.rows:
            invoices.setdefault(inv.contact_id, []).append(inv)
    customers = [
        FollowupCustomer(
            contact_id=r[0],
            contact_name=r[1],
            language=r[2],
            due_count=int(r[3] or 0),
            due_amount=Decimal(r[4] or 0),
            overdue_count=int(r[5] or 0),
            overdue_amount=Decimal(r[6] or 0),
            total_open=Decimal(r[4] or 0) + Decimal(r[6] or 0),
            invoices=invoices.get(r[0], []),
        )
        for r in rows
    ]
    due = sum((c.due_amount for c in customers), _ZERO)
    late = sum((c.overdue_amount for c in customers), _ZERO)
    return FollowupReport(as_of, customers, due, late, due + late)


def authorize_statements(uow: UnitOfWork, actor_id: int) -> Viewer | None:
    """Raise PermissionDenied unless the actor may read customers' ledgers; return what
    they see (engine.repositories.visibility)."""
    return account_viewer(uow, actor_id)


def contacts_with_entries(uow: UnitOfWork) -> list[int]:
    """Return customers with ledger entries, by name (at most MAX_CONTACTS + 1)."""
    stmt = (
        select(Contact.id)
        .where(Contact.kind.in_(("customer", "both")))
        .where(Contact.id.in_(select(LedgerEntry.contact_id)))
        .order_by(Contact.name, Contact.id)
        .limit(MAX_CONTACTS + 1)
    )
    return list(uow.session.scalars(stmt))
