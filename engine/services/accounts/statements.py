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

from engine import clock
from engine.domain.errors import ValidationFailed
from engine.domain.permissions import Perm
from engine.repositories.reports import ContactDues
from engine.repositories.visibility import Viewer
from engine.services.reporting.reports import InvoiceRow, Period, invoice_report
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
class FollowupCustomer(ContactDues):
    """A customer's dues (engine.repositories.reports) with their open invoices (F10)."""

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
    opening = uow.ledger.balance_before(contact_id, period.start, viewer) if period.start else _ZERO
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
            balance=opening + run,
        )
        for e, number, method, run in uow.ledger.running(
            contact_id, period.start, period.end, viewer
        )
    ]
    debit = sum((ln.debit for ln in lines), _ZERO)
    credit = sum((ln.credit for ln in lines), _ZERO)
    # Open items per instalment (issue 14 §3): an invoice under a term has a row for
    # each instalment not yet paid, each with its own due date.
    open_invoices = uow.reports.open_installments(
        as_of=as_of, contact_ids=[contact_id], viewer=viewer
    )
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
    rows = uow.reports.dues_by_contact(as_of=as_of, contact_ids=contact_ids, viewer=viewer)
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
            **vars(r),
            total_open=r.due_amount + r.overdue_amount,
            invoices=invoices.get(r.contact_id, []),
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
    return uow.contacts.customers_with_entries(MAX_CONTACTS + 1)
