"""Financial reports over posted receivables (SPEC I12, E6): set-based SQL, no row loops.

What counts: documents whose type debits the contact (sales invoices and purchase
returns: money owed to us, engine.domain.effects), once posted. Drafts and documents
awaiting a cartable step have no accounting effect (I3); cancelled ones drop out of
every figure (I10). Amounts are summed by the database; ExactDecimal keeps the sums
exact on SQLite too (scaled integers).

Definitions (docs/reports.md):
- unpaid: posted or partially paid, with total - paid > 0.
- overdue: unpaid and the due date (or, without one, the issue date) is before ``as_of``.
- received: payments received in [from, to], bounced cheques excluded.
- collection percentage: of the receivables issued in [from, to] and not cancelled,
  the share of their total already paid (paid / total * 100).
- ageing: unpaid amounts by days past due on ``as_of``: current (not yet due), 1-30,
  31-60, 61-90, over 90.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from engine import clock
from engine.domain.effects import ContactEffect
from engine.domain.errors import ValidationFailed
from engine.domain.permissions import Perm
from engine.models.contacts import Contact
from engine.models.documents import Document, DocumentType
from engine.models.ledger import Payment
from engine.models.types import ExactDecimal
from engine.services.access import load_actor, require
from engine.services.unit_of_work import UnitOfWork

OPEN_STATES = ("posted", "partially_paid")
COUNTED_STATES = ("posted", "partially_paid", "paid")
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


def open_expr() -> ColumnElement[Decimal]:
    """Return total - paid as an exact amount expression."""
    return _money(Document.total - Document.paid)


def due_expr() -> ColumnElement[date]:
    """Return the due date, or the issue date for a document without one."""
    return func.coalesce(Document.due_date, Document.issue_date)


def receivables(states: tuple[str, ...]) -> Select[Any]:
    """Select receivable documents (types that debit the contact) in ``states``."""
    return (
        select(Document.id)
        .join(DocumentType, DocumentType.id == Document.type_id)
        .where(DocumentType.contact_effect == ContactEffect.DEBIT.value)
        .where(Document.state.in_(states))
    )


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
            uow, as_of=as_of, overdue_only=overdue_only, contact_ids=contact_ids, limit=limit
        )


def invoice_report(
    uow: UnitOfWork,
    *,
    as_of: date,
    overdue_only: bool = False,
    contact_ids: list[int] | None = None,
    limit: int = 100,
) -> InvoiceReport:
    """Build the unpaid/overdue report inside an open unit of work (no access check)."""
    open_ = open_expr()
    due = due_expr()
    conditions: list[ColumnElement[bool]] = [open_ > _ZERO]
    if overdue_only:
        conditions.append(due < as_of)
    if contact_ids is not None:
        conditions.append(Document.contact_id.in_(contact_ids))
    base = receivables(OPEN_STATES).where(and_(*conditions))
    totals = uow.session.execute(
        select(
            func.count(),
            _money(func.coalesce(func.sum(Document.total), 0)),
            _money(func.coalesce(func.sum(Document.paid), 0)),
        ).where(Document.id.in_(base))
    ).one()
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
        .join(Contact, Contact.id == Document.contact_id)
        .where(Document.id.in_(base))
        .order_by(due, Document.id)
        .limit(max(1, min(limit, MAX_ROWS)))
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
            days_overdue=max((as_of - _as_date(r[5])).days, 0),
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
        base = receivables(COUNTED_STATES)
        if period.start:
            base = base.where(Document.issue_date >= period.start)
        if period.end:
            base = base.where(Document.issue_date <= period.end)
        invoiced, collected, count = uow.session.execute(
            select(
                _money(func.coalesce(func.sum(Document.total), 0)),
                _money(func.coalesce(func.sum(Document.paid), 0)),
                func.count(),
            ).where(Document.id.in_(base))
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
) -> AgeingReport:
    """Return unpaid amounts in ageing buckets by days past due (E6)."""
    as_of = as_of or clock.business_today()
    with uow:
        _authorize(uow, actor_id)
        return ageing_report(uow, as_of=as_of, contact_ids=contact_ids)


def ageing_report(
    uow: UnitOfWork, *, as_of: date, contact_ids: list[int] | None = None
) -> AgeingReport:
    """Build the ageing table inside an open unit of work (no access check)."""
    due = due_expr()
    # Bucket edges as dates computed here: the same SQL on SQLite and PostgreSQL,
    # and the (state, due_date) index still applies.
    bucket = case(
        (due >= as_of, literal("current")),
        (due >= as_of - timedelta(days=30), literal("1-30")),
        (due >= as_of - timedelta(days=60), literal("31-60")),
        (due >= as_of - timedelta(days=90), literal("61-90")),
        else_=literal("90+"),
    )
    open_ = open_expr()
    base = receivables(OPEN_STATES).where(open_ > _ZERO)
    if contact_ids is not None:
        base = base.where(Document.contact_id.in_(contact_ids))
    amount = _money(func.sum(open_))
    rows = uow.session.execute(
        select(Document.contact_id, bucket, amount, func.count())
        .where(Document.id.in_(base))
        .group_by(Document.contact_id, bucket)
    ).all()
    buckets = dict.fromkeys(AGEING_BUCKETS, _ZERO)
    counts = dict.fromkeys(AGEING_BUCKETS, 0)
    per_contact: dict[int, dict[str, Decimal]] = {}
    for contact_id, name, value, count in rows:  # one row per (contact, bucket)
        buckets[name] += value
        counts[name] += count
        per_contact.setdefault(contact_id, dict.fromkeys(AGEING_BUCKETS, _ZERO))[name] += value
    names = _contact_names(uow, list(per_contact))
    by_contact: list[dict[str, object]] = sorted(
        (
            {"contact_id": cid, "contact_name": names.get(cid, ""), **b, "total": sum(b.values())}
            for cid, b in per_contact.items()
        ),
        key=lambda r: (-r["total"], r["contact_id"]),  # type: ignore[operator]
    )
    return AgeingReport(as_of, buckets, counts, sum(buckets.values(), _ZERO), by_contact)


def _contact_names(uow: UnitOfWork, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = uow.session.execute(select(Contact.id, Contact.name).where(Contact.id.in_(ids)))
    return {contact_id: name for contact_id, name in rows}


def _month_of(uow: UnitOfWork, column: Any) -> ColumnElement[str]:
    """Return a 'YYYY-MM' expression for a date column on this database."""
    if uow.session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def _as_date(value: object) -> date:
    # SQLite hands back coalesce() of two DATE columns as text.
    return value if isinstance(value, date) else date.fromisoformat(str(value))
