"""The receivables reports' aggregates (SPEC I12, E6, F10): set-based SQL, no row loops.

Receivables are documents whose type debits the contact (engine.domain.effects) in a
group of states. Amounts are summed by the database; ExactDecimal keeps the sums exact
on SQLite too (scaled integers). The definitions are in engine.services.reporting.reports
and docs/reports.md; this module only asks the database.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, distinct, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from engine import clock
from engine.domain.effects import ContactEffect
from engine.domain.overdue import days_overdue
from engine.domain.states import OPEN, POSTED, DocumentState
from engine.models.contacts import Contact
from engine.models.documents import Document, DocumentType
from engine.repositories import as_of as past
from engine.repositories.base import exact
from engine.repositories.documents import as_date, due_expr, installment_rows, open_expr, states_in
from engine.repositories.visibility import Viewer, visible_documents

AGEING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")

_ZERO = Decimal(0)


@dataclass(frozen=True)
class InvoiceRow:
    """One unpaid receivable: its due date (the issue date without one) and how many
    days past it it is on the report's date (engine.domain.overdue)."""

    document_id: int
    number: str | None
    contact_id: int
    contact_name: str
    issue_date: date
    due_date: date
    total: Decimal
    paid: Decimal
    open: Decimal
    days_overdue: int


@dataclass(frozen=True)
class OpenInvoices:
    """Totals over every unpaid receivable that matched, and the first rows of them."""

    count: int
    total: Decimal
    paid: Decimal
    rows: list[InvoiceRow]


@dataclass(frozen=True)
class Issued:
    """Receivables issued in a period: their total, what is paid of it, their count."""

    invoiced: Decimal
    collected: Decimal
    count: int


@dataclass(frozen=True)
class Ageing:
    """Unpaid amounts per ageing bucket, and per contact and bucket when asked for."""

    buckets: dict[str, Decimal]
    counts: dict[str, int]
    by_contact: list[tuple[int, str, str, Decimal]]  # contact id, name, bucket, amount
    credit: Decimal = _ZERO  # unallocated credit: payments and returns not applied
    credit_by_contact: dict[int, Decimal] | None = None


@dataclass(frozen=True)
class ContactDues:
    """One customer's open receivables, split into not yet due and overdue."""

    contact_id: int
    contact_name: str
    language: str
    due_count: int
    due_amount: Decimal
    overdue_count: int
    overdue_amount: Decimal


class ReportRepository:
    """Sums and lists over receivables and payments, for reports and statements."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def receivable_filter(self, states: Collection[DocumentState]) -> list[ColumnElement[bool]]:
        """Return the conditions that keep receivable documents in ``states``.

        The handful of type ids is read first, so the report queries filter the document
        table alone: no join, no semi-join over 100,000 rows.
        """
        debit = select(DocumentType.id).where(
            DocumentType.contact_effect == ContactEffect.DEBIT.value
        )
        type_ids = list(self.session.scalars(debit))
        return [Document.type_id.in_(type_ids), states_in(states)]

    def receivables(self, as_of: date) -> past.Amounts:
        """Return how to read receivables' amounts on ``as_of``: the documents' own
        columns from today on, the ledger and allocations as they stood on a past day
        (issue 14 §6)."""
        if as_of >= clock.business_today():
            return past.Amounts(
                Document.total,
                Document.paid,
                open_expr(),
                self.receivable_filter(OPEN),
            )
        amounts = past.historical(as_of)
        type_ids = self.receivable_filter(OPEN)[0]
        return past.Amounts(
            amounts.total,
            amounts.paid,
            amounts.open,
            [type_ids, *amounts.where],
            amounts.join,
            amounts.on,
        )

    def open_invoices(
        self,
        *,
        as_of: date,
        limit: int,
        overdue_only: bool = False,
        contact_ids: list[int] | None = None,
        viewer: Viewer | None = None,
    ) -> OpenInvoices:
        """Return totals over the unpaid receivables and the first ``limit`` of them,
        oldest due first, with their days overdue on ``as_of``; ``overdue_only`` keeps
        those overdue that day.

        With a ``viewer``, of the documents they may see only (T3.11).
        """
        amounts = self.receivables(as_of)
        due, open_ = due_expr(amounts.paid, amounts.on), amounts.open
        conditions: list[ColumnElement[bool]] = [open_ > _ZERO, visible_documents(viewer)]
        if overdue_only:
            conditions.append(due < as_of)  # engine.domain.overdue: open and past due
        if contact_ids is not None:
            conditions.append(Document.contact_id.in_(contact_ids))
        where = and_(*amounts.where, *conditions)
        count, total, paid = self.session.execute(
            amounts.join(
                select(
                    func.count(),
                    exact(func.coalesce(func.sum(amounts.total), 0)),
                    exact(func.coalesce(func.sum(amounts.paid), 0)),
                ).select_from(Document)
            ).where(where)
        ).one()
        # The first rows are picked on the document table alone, then joined to contacts.
        first = (
            amounts.join(select(Document.id))
            .where(where)
            .order_by(due, Document.id)
            .limit(limit)
            .subquery()
        )
        stmt = amounts.join(
            select(
                Document.id,
                Document.number,
                Document.contact_id,
                Contact.name,
                Document.issue_date,
                due,
                amounts.total,
                amounts.paid,
                open_,
            )
            .select_from(Document)
            .join(first, first.c.id == Document.id)
            .join(Contact, Contact.id == Document.contact_id)
        ).order_by(due, Document.id)
        rows = []
        for r in self.session.execute(stmt):
            due_on = as_date(r[5])
            overdue = days_overdue(due_on, r[4], as_of)
            rows.append(InvoiceRow(r[0], r[1], r[2], r[3], r[4], due_on, r[6], r[7], r[8], overdue))
        return OpenInvoices(int(count), Decimal(total), Decimal(paid), rows)

    def open_installments(
        self,
        *,
        as_of: date,
        contact_ids: list[int],
        viewer: Viewer | None = None,
        limit: int = 1000,
    ) -> list[InvoiceRow]:
        """Return the unpaid instalments of receivables (a document without a schedule
        is one), oldest due first, each with its days overdue on ``as_of``: a
        statement's open items (issue 14 §3). ``total`` is the instalment's amount,
        ``paid`` what of it is paid."""
        amounts = self.receivables(as_of)
        rows = installment_rows(amounts.total, amounts.paid, amounts.on)
        stmt = (
            rows.join(
                amounts.join(
                    select(
                        Document.id,
                        Document.number,
                        Document.contact_id,
                        Contact.name,
                        Document.issue_date,
                        rows.due,
                        rows.amount,
                        rows.open,
                    ).select_from(Document)
                )
            )
            .join(Contact, Contact.id == Document.contact_id)
            .where(
                *amounts.where,
                rows.open > _ZERO,
                Document.contact_id.in_(contact_ids),
                visible_documents(viewer),
            )
            .order_by(rows.due, Document.id)
            .limit(limit)
        )
        out = []
        for r in self.session.execute(stmt):
            due_on = as_date(r[5])
            overdue = days_overdue(due_on, r[4], as_of)
            out.append(
                InvoiceRow(r[0], r[1], r[2], r[3], r[4], due_on, r[6], r[6] - r[7], r[7], overdue)
            )
        return out

    def open_amounts(self, contact_ids: list[int], viewer: Viewer | None) -> dict[int, Decimal]:
        """Return {contact id: amount still open on their receivables} ``viewer`` may see."""
        stmt = (
            select(Document.contact_id, exact(func.sum(open_expr())))
            .where(*self.receivable_filter(OPEN))
            .where(Document.contact_id.in_(contact_ids), visible_documents(viewer))
            .group_by(Document.contact_id)
        )
        return {c: a for c, a in self.session.execute(stmt)}

    def issued(self, start: date | None, end: date | None) -> Issued:
        """Return the posted receivables issued in [start, end]: total, paid, count."""
        where = self.receivable_filter(POSTED)
        if start:
            where.append(Document.issue_date >= start)
        if end:
            where.append(Document.issue_date <= end)
        invoiced, collected, count = self.session.execute(
            select(
                exact(func.coalesce(func.sum(Document.total), 0)),
                exact(func.coalesce(func.sum(Document.paid), 0)),
                func.count(),
            ).where(*where)
        ).one()
        return Issued(Decimal(invoiced), Decimal(collected), int(count))

    def ageing(
        self, *, as_of: date, contact_ids: list[int] | None = None, by_contact: bool = False
    ) -> Ageing:
        """Return unpaid amounts by days past due on ``as_of`` (AGEING_BUCKETS), and
        with ``by_contact`` per contact and bucket too (one more grouped query).

        Each instalment of an invoice under a payment term ages on its own (issue 14
        §3); the buckets count instalments."""
        amounts = self.receivables(as_of)
        rows = installment_rows(amounts.total, amounts.paid, amounts.on)
        due = rows.due
        # Bucket edges as dates computed here: the same SQL on SQLite and PostgreSQL.
        bucket = case(
            (due >= as_of, literal("current")),
            (due >= as_of - timedelta(days=30), literal("1-30")),
            (due >= as_of - timedelta(days=60), literal("31-60")),
            (due >= as_of - timedelta(days=90), literal("61-90")),
            else_=literal("90+"),
        )
        where = [*amounts.where, rows.open > _ZERO]
        if contact_ids is not None:
            where.append(Document.contact_id.in_(contact_ids))
        amount = exact(func.sum(rows.open))
        buckets = dict.fromkeys(AGEING_BUCKETS, _ZERO)
        counts = dict.fromkeys(AGEING_BUCKETS, 0)
        for name, value, count in self.session.execute(
            rows.join(amounts.join(select(bucket, amount, func.count()).select_from(Document)))
            .where(*where)
            .group_by(bucket)
        ):
            buckets[name], counts[name] = value, count
        by: list[tuple[int, str, str, Decimal]] = []
        if by_contact:
            stmt = (
                rows.join(
                    amounts.join(
                        select(Document.contact_id, Contact.name, bucket, amount).select_from(
                            Document
                        )
                    )
                )
                .join(Contact, Contact.id == Document.contact_id)
                .where(*where)
                .group_by(Document.contact_id, Contact.name, bucket)
            )
            by = [(c, n, b, a) for c, n, b, a in self.session.execute(stmt)]
        credit = self.unallocated_credit(as_of, contact_ids)
        return Ageing(buckets, counts, by, sum(credit.values(), _ZERO), credit)

    def unallocated_credit(
        self, as_of: date, contact_ids: list[int] | None = None
    ) -> dict[int, Decimal]:
        """Return {customer id: credit not applied to any invoice at the end of
        ``as_of``}: payments received less what of them was allocated, and sales
        returns less what of them was applied (contacts with none are left out)."""
        received, allocated = past.payment_credit_on(as_of, contact_ids)
        credit_types = select(DocumentType.id).where(
            DocumentType.contact_effect == ContactEffect.CREDIT.value,
            DocumentType.source_kind.is_not(None),
        )
        amounts = past.historical(as_of)
        returns = (
            amounts.join(
                # credit left = -(total + paid): a return's ledger amount is negative
                select(
                    Document.contact_id, exact(func.sum(amounts.total + amounts.paid))
                ).select_from(Document)
            )
            .where(Document.type_id.in_(credit_types), Document.issue_date <= as_of)
            .group_by(Document.contact_id)
        )
        if contact_ids is not None:
            returns = returns.where(Document.contact_id.in_(contact_ids))
        out: dict[int, Decimal] = {}
        for stmt, sign in ((received, 1), (allocated, -1), (returns, -1)):
            for contact_id, value in self.session.execute(stmt):
                out[contact_id] = out.get(contact_id, _ZERO) + sign * Decimal(value or 0)
        return {c: v for c, v in out.items() if v}

    def dues_by_contact(
        self, *, as_of: date, contact_ids: list[int] | None = None, viewer: Viewer | None = None
    ) -> list[ContactDues]:
        """Return each customer's open receivables split into not yet due and overdue on
        ``as_of`` (F10), most overdue first, of the documents ``viewer`` may see."""
        amounts = self.receivables(as_of)
        rows = installment_rows(amounts.total, amounts.paid, amounts.on)
        open_ = rows.open
        overdue = rows.due < as_of  # per instalment (engine.domain.overdue)
        where = [*amounts.where, open_ > _ZERO, visible_documents(viewer)]
        if contact_ids is not None:
            where.append(Document.contact_id.in_(contact_ids))
        stmt = (
            rows.join(
                amounts.join(
                    select(
                        Document.contact_id,
                        Contact.name,
                        Contact.language,
                        func.count(distinct(case((overdue, None), else_=Document.id))),
                        exact(func.sum(case((overdue, 0), else_=open_))),
                        func.count(distinct(case((overdue, Document.id), else_=None))),
                        exact(func.sum(case((overdue, open_), else_=0))),
                    ).select_from(Document)
                )
            )
            .join(Contact, Contact.id == Document.contact_id)
            .where(*where)
            .group_by(Document.contact_id, Contact.name, Contact.language)
        )
        dues = [
            ContactDues(
                contact_id=r[0],
                contact_name=r[1],
                language=r[2],
                due_count=int(r[3] or 0),
                due_amount=Decimal(r[4] or 0),
                overdue_count=int(r[5] or 0),
                overdue_amount=Decimal(r[6] or 0),
            )
            for r in self.session.execute(stmt)
        ]
        return sorted(dues, key=lambda d: (-d.overdue_amount, d.contact_name))
