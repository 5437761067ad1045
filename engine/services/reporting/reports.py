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

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from engine import clock
from engine.domain.errors import ValidationFailed
from engine.domain.permissions import Perm
from engine.repositories.reports import (
    AGEING_BUCKETS as AGEING_BUCKETS,  # display order
    InvoiceRow as InvoiceRow,  # a report's row
)
from engine.repositories.visibility import Viewer
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require, viewer_of

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
    credit: Decimal = _ZERO  # unallocated credit (payments, returns), its own column (§6)


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
    found = uow.reports.open_invoices(
        as_of=as_of,
        limit=max(1, min(limit, MAX_ROWS)),
        overdue_only=overdue_only,
        contact_ids=contact_ids,
        viewer=viewer,
    )
    open_total = found.total - found.paid
    return InvoiceReport(as_of, found.count, found.total, found.paid, open_total, found.rows)


def received_from_customers(
    uow: UnitOfWork, *, actor_id: int, period: Period | None = None
) -> ReceivedReport:
    """Return what was received in the period, per contact and per month (I12, E6)."""
    period = period or Period()
    period.check()
    with uow:
        _authorize(uow, actor_id)
        received = uow.payments.received(period.start, period.end, MAX_ROWS)
        return ReceivedReport(
            period=period,
            total=received.total,
            count=received.count,
            by_contact=[
                {"contact_id": c, "contact_name": n, "amount": a, "count": k}
                for c, n, a, k in received.by_contact
            ],
            by_month=[{"month": m, "amount": a} for m, a in received.by_month],
        )


def collection_percentage(
    uow: UnitOfWork, *, actor_id: int, period: Period | None = None
) -> CollectionReport:
    """Return invoiced, collected and their ratio for receivables issued in the period."""
    period = period or Period()
    period.check()
    with uow:
        _authorize(uow, actor_id)
        issued = uow.reports.issued(period.start, period.end)
        invoiced, collected = issued.invoiced, issued.collected
        percent = (collected * 100 / invoiced).quantize(Decimal("0.01")) if invoiced > 0 else None
        return CollectionReport(
            period, invoiced, collected, invoiced - collected, percent, issued.count
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
    found = uow.reports.ageing(as_of=as_of, contact_ids=contact_ids, by_contact=by_contact)
    total = sum(found.buckets.values(), _ZERO)
    rows = _per_contact(found.by_contact)
    for row in rows:
        row["credit"] = (found.credit_by_contact or {}).get(int(str(row["contact_id"])), _ZERO)
    return AgeingReport(as_of, found.buckets, found.counts, total, rows, found.credit)


def _per_contact(cells: list[tuple[int, str, str, Decimal]]) -> list[dict[str, object]]:
    """Pivot (contact, bucket, amount) cells into one row per contact, largest first."""
    per_contact: dict[int, dict[str, Any]] = {}
    for contact_id, contact_name, name, value in cells:
        row = per_contact.setdefault(
            contact_id,
            {"contact_id": contact_id, "contact_name": contact_name}
            | dict.fromkeys(AGEING_BUCKETS, _ZERO),
        )
        row[name] = value
    for row in per_contact.values():
        row["total"] = sum((row[b] for b in AGEING_BUCKETS), _ZERO)
    return sorted(per_contact.values(), key=lambda r: (-r["total"], r["contact_id"]))
