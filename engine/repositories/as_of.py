"""Amounts as they stood at the end of a past day (issue 14 §6, decisions §20).

A report "as of" a day counts what had happened by then, whatever happened later: a
document's amount is the sum of its ledger rows dated on or before it (so a later
cancellation or edit, which writes new dated rows, changes nothing), and what is paid
of it the sum of the allocations made on or before it and not undone by then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, literal, or_, select, union_all
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from engine.models.documents import Document
from engine.models.ledger import LedgerEntry, Payment, PaymentAllocation
from engine.models.types import ExactDecimal
from engine.repositories.base import exact

Join = Callable[[Any], Any]  # a select in, the same select joined out


@dataclass(frozen=True)
class Amounts:
    """How a report reads a document's total, what is paid of it and what is open:
    the document's own columns today, ledger and allocation sums for a past day."""

    total: ColumnElement[Decimal] | InstrumentedAttribute[Decimal]
    paid: ColumnElement[Decimal] | InstrumentedAttribute[Decimal]
    open: ColumnElement[Decimal]
    where: list[ColumnElement[bool]] = field(default_factory=list)
    join: Join = lambda stmt: stmt  # noqa: E731  (the identity: today's columns need no join)
    on: date | None = None  # the past day read (instalment schedules of then); None: now


def live_on(day: date) -> ColumnElement[bool]:
    """Return the condition that keeps allocations made by ``day`` and not undone by it."""
    return and_(
        PaymentAllocation.allocated_on <= day,
        or_(PaymentAllocation.undone_on.is_(None), PaymentAllocation.undone_on > day),
    )


def historical(day: date) -> Amounts:
    """Return the amounts of documents at the end of ``day``."""
    posted = (
        select(
            LedgerEntry.document_id.label("document_id"),
            exact(func.sum(LedgerEntry.debit - LedgerEntry.credit)).label("amount"),
        )
        .where(
            LedgerEntry.document_id.is_not(None),
            LedgerEntry.payment_id.is_(None),
            LedgerEntry.entry_date <= day,
        )
        .group_by(LedgerEntry.document_id)
        .subquery()
    )
    sides = union_all(
        select(PaymentAllocation.document_id.label("document_id"), PaymentAllocation.amount).where(
            live_on(day)
        ),
        select(PaymentAllocation.source_document_id, PaymentAllocation.amount).where(
            live_on(day), PaymentAllocation.source_document_id.is_not(None)
        ),
    ).subquery()
    allocated = (
        select(sides.c.document_id, exact(func.sum(sides.c.amount)).label("amount"))
        .group_by(sides.c.document_id)
        .subquery()
    )
    total = exact(posted.c.amount)
    paid = exact(func.coalesce(allocated.c.amount, literal(Decimal(0), ExactDecimal())))
    open_ = exact(total - paid)

    def join(stmt: Any) -> Any:
        return stmt.join(posted, posted.c.document_id == Document.id).outerjoin(
            allocated, allocated.c.document_id == Document.id
        )

    return Amounts(total, paid, open_, [Document.issue_date <= day, total > 0], join, day)


def payment_credit_on(
    day: date, contact_ids: list[int] | None = None
) -> tuple[Select[int, Decimal], Select[int, Decimal]]:
    """Return (what payments received by ``day`` credited per contact, what of them was
    allocated by then per contact): their difference is the unallocated credit."""
    received = (
        select(LedgerEntry.contact_id, exact(func.sum(LedgerEntry.credit - LedgerEntry.debit)))
        .join(Payment, Payment.id == LedgerEntry.payment_id)
        .where(Payment.direction == "in", LedgerEntry.entry_date <= day)
        .group_by(LedgerEntry.contact_id)
    )
    if contact_ids is not None:
        received = received.where(LedgerEntry.contact_id.in_(contact_ids))
    allocated = (
        select(Payment.contact_id, exact(func.sum(PaymentAllocation.amount)))
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(Payment.direction == "in", live_on(day))
        .group_by(Payment.contact_id)
    )
    if contact_ids is not None:
        allocated = allocated.where(Payment.contact_id.in_(contact_ids))
    return received, allocated
