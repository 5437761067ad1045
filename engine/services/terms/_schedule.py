"""A document under its payment term: due dates, the early discount, the instalment
schedule written at posting (issue 14 §3, §4; decisions §21).

In-transaction helpers: the caller opened the unit of work and commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine import clock
from engine.domain.effects import takes_payment_term
from engine.domain.errors import ValidationFailed
from engine.domain.overdue import effective_due_date, open_due_date
from engine.domain.payment_terms import (
    Installment,
    Term,
    discount_amount,
    discount_date,
    schedule,
    term_from_stored,
)
from engine.domain.states import OPEN, POSTED
from engine.models.documents import Document
from engine.models.payment_terms import DocumentInstallment, PaymentTerm
from engine.services.unit_of_work import AbstractUnitOfWork

_ZERO = Decimal(0)


@dataclass(frozen=True)
class InstallmentView:
    due_date: date
    amount: Decimal
    open_amount: Decimal


def stored_term(row: PaymentTerm) -> Term:
    """Return the rules of a stored term."""
    return term_from_stored(row.lines, row.early_discount)


def term_of(uow: AbstractUnitOfWork, document: Document) -> Term | None:
    """Return the term the document is paid under, or None (no term, not an invoice)."""
    if document.payment_term_id is None:
        return None
    if not takes_payment_term(document.type.contact_effect, document.type.source_kind):
        return None
    row = uow.terms.find(document.payment_term_id)
    return stored_term(row) if row is not None else None


def check_term_id(uow: AbstractUnitOfWork, term_id: int | None) -> None:
    """Raise ValidationFailed on ``payment_term_id`` for an unknown term."""
    if term_id is not None and uow.terms.find(term_id) is None:
        raise ValidationFailed.single("payment_term_id", f"unknown payment term {term_id}")


def term_due_date(uow: AbstractUnitOfWork, document: Document) -> date | None:
    """Return the due date of the document's last instalment under its term (None:
    no term), its totals being known."""
    term = term_of(uow, document)
    return max(i.due_date for i in _plan(term, document)) if term is not None else None


def apply_discount(uow: AbstractUnitOfWork, document: Document) -> None:
    """Give the document the early discount its term offers (amount and last day), its
    totals and issue date being known; none without one."""
    term = term_of(uow, document)
    early = term.early_discount if term is not None else None
    if early is None:
        document.discount_date = document.early_discount = None
        return
    document.discount_date = discount_date(early, document.issue_date)
    document.early_discount = discount_amount(
        early,
        total=document.total,
        tax=document.tax,
        levy=document.levy,
        currency=document.currency,
    )


def write_schedule(uow: AbstractUnitOfWork, document: Document) -> None:
    """Write the instalments of a document being posted, in force from today."""
    term = term_of(uow, document)
    if term is None:
        return
    today = clock.business_today()
    for position, inst in enumerate(_plan(term, document)):
        uow.terms.add_installment(
            DocumentInstallment(
                document_id=document.id,
                position=position,
                due_date=inst.due_date,
                amount=inst.amount,
                start=inst.start,
                since=today,
            )
        )


def retire_schedule(uow: AbstractUnitOfWork, document: Document) -> None:
    """End the schedule in force (the document is reversed: edited or cancelled); a
    report as of an earlier day still reads it."""
    today = clock.business_today()
    for row in uow.terms.schedule_of(document.id):
        row.replaced_on = today


def installments(uow: AbstractUnitOfWork, document: Document) -> list[InstallmentView]:
    """Return the document's instalments with what is open of each: the schedule in
    force once posted (one instalment, its whole total, without a term), the term's
    plan before (nothing of it open yet)."""
    kind = document.type
    if document.state in POSTED and takes_payment_term(kind.contact_effect, kind.source_kind):
        rows = _schedule_rows(uow, document)
        due = effective_due_date(document.due_date, document.issue_date)
        plan = [Installment(r.due_date, r.amount, r.start) for r in rows]
        plan = plan or [Installment(due, document.total, _ZERO)]
        open_ = document.state in OPEN
        return [
            InstallmentView(
                i.due_date,
                i.amount,
                i.open_amount(paid=document.paid, total=document.total) if open_ else _ZERO,
            )
            for i in plan
        ]
    term = term_of(uow, document)
    if term is None:
        return []
    return [InstallmentView(i.due_date, i.amount, _ZERO) for i in _plan(term, document)]


def next_due_date(uow: AbstractUnitOfWork, document: Document) -> date | None:
    """Return the due date of the oldest open instalment, else the document's due date
    (engine.domain.overdue reads it)."""
    rows = _schedule_rows(uow, document) if document.state in POSTED else []
    plan = [Installment(r.due_date, r.amount, r.start) for r in rows]
    return open_due_date(plan, paid=document.paid) or document.due_date


def amount_after_discount(document: Document) -> Decimal | None:
    """Return what settles the document while its early discount holds (None: no
    discount to give, or already given)."""
    if not document.early_discount or document.discount_date is None:
        return None
    if document.paid >= document.total:
        return None
    return max(document.total - document.paid - document.early_discount, _ZERO)


def _schedule_rows(uow: AbstractUnitOfWork, document: Document) -> list[DocumentInstallment]:
    # A document without a term has no schedule in force: a reposting without one
    # retired the last (a list of many documents asks nothing then).
    if document.payment_term_id is None:
        return []
    return uow.terms.schedule_of(document.id)


def _plan(term: Term, document: Document) -> list[Installment]:
    return schedule(
        term, total=document.total, issued_on=document.issue_date, currency=document.currency
    )
