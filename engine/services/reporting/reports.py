"""Financial reports over posted receivables (SPEC I12, E6): set-based SQL, no row loops.

What counts: documents whose type debits the contact (sales invoices and purchase
returns: money owed to us, engine.domain.effects), once posted. Drafts and documents
awaiting a cartable step have no accounting effect (I3); cancelled ones drop out of
every figure (I10). Amounts are summed by the database; ExactDecimal keeps the sums
exact on SQLite too (scaled integers).

Definitions (docs/reports.md):
- unpaid: posted or partially paid, with total - paid > 0.
- overdue: unpaid and the due date (or, without one, the issue date) is before ``as_of``:
  the one rule of engine.domain.overdue, as SQL in engine.repositories.documents.
- received: payments received in [from, to], bounced cheques excluded.
- collection percentage: of the receivables issued in [from, to] and not cancelled,
  the share of their total already paid (paid / total * 100).
- ageing: unpaid amounts by days past due on ``as_of``: current (not yet due), 1-30,
  31-60, 61-90, over 90.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from engine import clock
from engine.domain.effects import ContactEffect
from engine.domain.errors import ValidationFailed
from engine.domain.overdue import days_overdue
from engine.domain.permissions import Perm
from engine.domain.states import OPEN, POSTED, DocumentState
from engine.models.contacts import Contact
from engine.models.documents import Document, DocumentType
from engine.models.ledger import Payment
from engine.models.types import ExactDecimal
from engine.repositories.documents import due_expr, open_expr, overdue_clause, states_in
from engine.repositories.visibility import Viewer, visible_documents
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require, viewer_of

AGEING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
REPORTS = ("unpaid", "overdue", "received", "collection", "ageing")
MAX_ROWS = 1000

_ZERO = Decimal(0)


@dataclass(frozen=True)
class Period:
    """An inclusive date range; either end may be open."""

    start: date | None = None
    end: date | None = None

    def check(self) -> None:
        """Raise ValidationFailed naming ``to`` when the range runs backwards."""
        if self.start and self.end and self.end < self.start:
            raise ValidationFailed.single("to", "must not be before 'from'")


@dataclass(frozen=True)
class InvoiceRow:
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
class InvoiceReport:
    """A list of invoices (first ``MAX_ROWS``) with totals over all that matched."""

    as_of: date
    count: int
    total: Decimal
    paid: Decimal
    open: Decimal
    rows: list[InvoiceRow]


@dataclass(frozen=True)
class ReceivedReport:
    period: Period
    total: Decimal
    count: int
    by_contact: list[dict[str, object]]
    by_month: list[dict[str, object]]


@dataclass(frozen=True)
class CollectionReport:
    period: Period
    invoiced: Decimal
    collected: Decimal
    open: Decimal
    percent: Decimal | None  # None when nothing was invoiced in the period
    count: int


@dataclass(frozen=True)
class AgeingReport:
    as_of: date
    buckets: dict[str, Decimal]
    counts: dict[str, int]
    total: Decimal
    by_contact: list[dict[str, object]] = field(default_factory=list)


def _money(expr: ColumnElement[Any]) -> ColumnElement[Decimal]:
    # Sums and differences of ExactDecimal columns keep its result conversion (scaled
    # integers on SQLite), which the plain Numeric of an expression would lose.
    return type_coerce(expr, ExactDecimal())


def receivables(uow: UnitOfWork, states: Collection[DocumentState]) -> list[ColumnElement[bool]]:
    """Return the conditions that keep receivable documents (types that debit the
    contact) in ``states``.

    The handful of type ids is read first, so the report queries filter the document
    table alone: no join, no semi-join over 100,000 rows.
    """
    type_ids = list(
        uow.session.scalars(
            select(DocumentType.id).where(DocumentType.contact_effect == ContactEffect.DEBIT.value)
        )
    )
    return [Document.type_id.in_(type_ids), states_in(states)]


def _authorize(uow: UnitOfWork, actor_id: int) -> None:
    # Reports show every contact's figures: only users who may see every document.
    require(load_actor(uow, actor_id), Perm.VIEW_ALL)


def unpaid_invoices(
    uow: UnitOfWork,
    *,
    actor_id: int,
    as_of: date | None = None,
    overdue_only: bool = False,
    contact_ids: list[int] | None = None,
    limit: int = 100,
) -> InvoiceReport:
    """Return unpaid receivables (or only the overdue ones), oldest due first (I12)."""
    as_of = as_of or clock.business_today()
    with uow:
        _authorize(uow, actor_id)
        return invoice_report(
            uow,
            as_of=as_of,
            overdue_only=overdue_only,
            contact_ids=contact_ids,
            limit=limit,
            viewer=viewer_of(uow, load_actor(uow, actor_id)),
        )


def invoice_report(
    uow: UnitOfWork,
    *,
    as_of: date,
    overdue_only: bool = False,
    contact_ids: list[int] | None = None,
    limit: int = 100,
    viewer: Viewer | None = None,
) -> InvoiceReport:
    """Build the unpaid/overdue report inside an open unit of work (no access check).

    With a ``viewer``, of the documents they may see only (T3.11).
    """
    open_ = open_expr()
    due = due_expr()
    conditions: list[ColumnElement[bool]] = [open_ > _ZERO, visible_documents(viewer)]
    if overdue_only:
        conditions.append(overdue_clause(as_of))
    if contact_ids is not None:
        conditions.append(Document.contact_id.in_(contact_ids))
    where = and_(*receivables(uow, OPEN), *conditions)
    totals = uow.session.execute(
        select(
            func.count(),
            _money(func.coalesce(func.sum(Document.total), 0)),
            _money(func.coalesce(func.sum(Document.paid), 0)),
        ).where(where)
    ).one()
    # The first rows are picked on the document table alone, then joined to contacts.
    first = (
        select(Document.id)
        .where(where)
        .order_by(due, Document.id)
        .limit(max(1, min(limit, MAX_ROWS)))
        .subquery()
    )
    stmt = (
        select(
            Document.id,
            Document.number,
            Document.contact_id,
            Contact.name,
            Document.issue_date,
            due,
            Document.total,
            Document.paid,
            open_,
        )
        .join(first, first.c.id == Document.id)
        .join(Contact, Contact.id == Document.contact_id)
        .order_by(due, Document.id)
    )
    rows = [
        InvoiceRow(
            document_id=r[0],
            number=r[1],
            contact_id=r[2],
            contact_name=r[3],
            issue_date=r[4],
            due_date=_as_date(r[5]),
            total=r[6],
            paid=r[7],
            open=r[8],
            days_overdue=days_overdue(_as_date(r[5]), r[4], as_of),
        )
        for r in uow.session.execute(stmt)
    ]
    total, paid = Decimal(totals[1]), Decimal(totals[2])
    return InvoiceReport(as_of, int(totals[0]), total, paid, total - paid, rows)


def received_from_customers(
    uow: UnitOfWork, *, actor_id: int, period: Period | None = None
) -> ReceivedReport:
    """Return what was received in the period, per contact and per month (I12, E6)."""
    period = period or Period()
    period.check()
    with uow:
        _authorize(uow, actor_id)
        conditions: list[ColumnElement[bool]] = [
            func.coalesce(Payment.cheque_state, "") != "bounced"
        ]
        if period.start:
            conditions.append(Payment.received_on >= period.start)
        if period.end:
            conditions.append(Payment.received_on <= period.end)
        where = and_(*conditions)
        amount = _money(func.sum(Payment.amount))
        total, count = uow.session.execute(
            select(_money(func.coalesce(func.sum(Payment.amount), 0)), func.count()).where(where)
        ).one()
        per_contact = uow.session.execute(
            select(Payment.contact_id, Contact.name, amount, func.count())
            .join(Contact, Contact.id == Payment.contact_id)
            .where(where)
            .group_by(Payment.contact_id, Contact.name)
            .order_by(amount.desc())
            .limit(MAX_ROWS)
        ).all()
        month = _month_of(uow, Payment.received_on)
        per_month = uow.session.execute(
            select(month, amount).where(where).group_by(month).order_by(month)
        ).all()
        return ReceivedReport(
            period=period,
            total=Decimal(total),
            count=int(count),
            by_contact=[
                {"contact_id": c, "contact_name": n, "amount": a, "count": k}
                for c, n, a, k in per_contact
            ],
            by_month=[{"month": m, "amount": a} for m, a in per_month],
        )


def collection_percentage(
    uow: UnitOfWork, *, actor_id: int, period: Period | None = None
) -> CollectionReport:
    """Return invoiced, collected and their ratio for receivables issued in the period."""
    period = period or Period()
    period.check()
    with uow:
        _authorize(uow, actor_id)
        where = receivables(uow, POSTED)
        if period.start:
            where.append(Document.issue_date >= period.start)
        if period.end:
            where.append(Document.issue_date <= period.end)
        invoiced, collected, count = uow.session.execute(
            select(
                _money(func.coalesce(func.sum(Document.total), 0)),
                _money(func.coalesce(func.sum(Document.paid), 0)),
                func.count(),
            ).where(*where)
        ).one()
        invoiced, collected = Decimal(invoiced), Decimal(collected)
        percent = (collected * 100 / invoiced).quantize(Decimal("0.01")) if invoiced > 0 else None
        return CollectionReport(
            period, invoiced, collected, invoiced - collected, percent, int(count)
        )


def ageing(
    uow: UnitOfWork,
    *,
    actor_id: int,
    as_of: date | None = None,
    contact_ids: list[int] | None = None,
    by_contact: bool = False,
) -> AgeingReport:
    """Return unpaid amounts in ageing buckets by days past due (E6).

    ``by_contact`` adds a row per customer (the XLSX export and filtered views want it;
    the chart does not, and over thousands of customers it is the costly part).
    """
    as_of = as_of or clock.business_today()
    with uow:
        _authorize(uow, actor_id)
        return ageing_report(uow, as_of=as_of, contact_ids=contact_ids, by_contact=by_contact)


def ageing_report(
    uow: UnitOfWork,
    *,
    as_of: date,
    contact_ids: list[int] | None = None,
    by_contact: bool = False,
) -> AgeingReport:
    """Build the ageing table inside an open unit of work (no access check)."""
    due = due_expr()
    # Bucket edges as dates computed here: the same SQL on SQLite and PostgreSQL.
    bucket = case(
        (due >= as_of, literal("current")),
        (due >= as_of - timedelta(days=30), literal("1-30")),
        (due >= as_of - timedelta(days=60), literal("31-60")),
        (due >= as_of - timedelta(days=90), literal("61-90")),
        else_=literal("90+"),
    )
    open_ = open_expr()
    where = [*receivables(uow, OPEN), open_ > _ZERO]
    if contact_ids is not None:
        where.append(Document.contact_id.in_(contact_ids))
    amount = _money(func.sum(open_))
    buckets = dict.fromkeys(AGEING_BUCKETS, _ZERO)
    counts = dict.fromkeys(AGEING_BUCKETS, 0)
    for name, value, count in uow.session.execute(
        select(bucket, amount, func.count()).where(*where).group_by(bucket)
    ):
        buckets[name], counts[name] = value, count
    rows = _ageing_by_contact(uow, where, bucket, amount) if by_contact else []
    return AgeingReport(as_of, buckets, counts, sum(buckets.values(), _ZERO), rows)


def _ageing_by_contact(
    uow: UnitOfWork, where: list[ColumnElement[bool]], bucket: Any, amount: Any
) -> list[dict[str, object]]:
    per_contact: dict[int, dict[str, Any]] = {}
    stmt = (
        select(Document.contact_id, Contact.name, bucket, amount)
        .join(Contact, Contact.id == Document.contact_id)
        .where(*where)
        .group_by(Document.contact_id, Contact.name, bucket)
    )
    for contact_id, contact_name, name, value in uow.session.execute(stmt):
        row = per_contact.setdefault(
            contact_id,
            {"contact_id": contact_id, "contact_name": contact_name}
            | dict.fromkeys(AGEING_BUCKETS, _ZERO),
        )
        row[name] = value
    for row in per_contact.values():
        row["total"] = sum((row[b] for b in AGEING_BUCKETS), _ZERO)
    return sorted(per_contact.values(), key=lambda r: (-r["total"], r["contact_id"]))


def _month_of(uow: UnitOfWork, column: Any) -> ColumnElement[str]:
    """Return a 'YYYY-MM' expression for a date column on this database."""
    if uow.session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def _as_date(value: object) -> date:
    # SQLite hands back coalesce() of two DATE columns as text.
    return value if isinstance(value, date) else date.fromisoformat(str(value))
