"""Ledger entries and payments."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from engine.domain.errors import NotFound
from engine.models.contacts import Contact
from engine.models.documents import Document
from engine.models.ledger import LedgerEntry, Payment, PaymentAllocation
from engine.repositories.base import Repository, exact
from engine.repositories.visibility import Viewer, visible_ledger, visible_payments


class LedgerRepository(Repository[LedgerEntry]):
    model = LedgerEntry
    label = "ledger entry"

    def of_document(self, document_id: int) -> list[LedgerEntry]:
        """Return the entries a document wrote, oldest first."""
        stmt = select(LedgerEntry).where(LedgerEntry.document_id == document_id)
        return list(self.session.scalars(stmt.order_by(LedgerEntry.id)))

    def of_contact(
        self, contact_id: int, limit: int = 200, viewer: Viewer | None = None
    ) -> list[LedgerEntry]:
        """Return a contact's entries ``viewer`` may see, oldest first."""
        stmt = select(LedgerEntry).where(
            LedgerEntry.contact_id == contact_id, visible_ledger(viewer)
        )
        return list(self.session.scalars(stmt.order_by(LedgerEntry.id).limit(limit)))

    def balances(self, contact_ids: list[int], viewer: Viewer | None) -> dict[int, Decimal]:
        """Return {contact id: debit - credit} over the entries ``viewer`` may see
        (contacts without one are left out)."""
        stmt = (
            select(
                LedgerEntry.contact_id,
                exact(func.sum(LedgerEntry.debit - LedgerEntry.credit)),
            )
            .where(LedgerEntry.contact_id.in_(contact_ids), visible_ledger(viewer))
            .group_by(LedgerEntry.contact_id)
        )
        return {c: b for c, b in self.session.execute(stmt)}

    def balance_before(self, contact_id: int, day: date, viewer: Viewer | None) -> Decimal:
        """Return a contact's debit - credit over the visible entries before ``day``."""
        stmt = select(
            exact(func.coalesce(func.sum(LedgerEntry.debit - LedgerEntry.credit), 0))
        ).where(
            LedgerEntry.contact_id == contact_id,
            visible_ledger(viewer),
            LedgerEntry.entry_date < day,
        )
        return Decimal(self.session.scalar(stmt) or 0)

    def running(
        self, contact_id: int, start: date | None, end: date | None, viewer: Viewer | None
    ) -> list[tuple[LedgerEntry, str | None, str | None, Decimal]]:
        """Return a contact's visible entries in [start, end] by date, each with its
        document's number, its payment's method and the running sum of debit - credit
        from ``start`` (a window sum in SQL)."""
        where = [LedgerEntry.contact_id == contact_id, visible_ledger(viewer)]
        if start:
            where.append(LedgerEntry.entry_date >= start)
        if end:
            where.append(LedgerEntry.entry_date <= end)
        running = exact(
            func.sum(LedgerEntry.debit - LedgerEntry.credit).over(
                order_by=(LedgerEntry.entry_date, LedgerEntry.id)
            )
        )
        stmt = (
            select(LedgerEntry, Document.number, Payment.method, running)
            .outerjoin(Document, Document.id == LedgerEntry.document_id)
            .outerjoin(Payment, Payment.id == LedgerEntry.payment_id)
            .where(*where)
            .order_by(LedgerEntry.entry_date, LedgerEntry.id)
        )
        return [
            (e, number, method, Decimal(run))
            for e, number, method, run in self.session.execute(stmt)
        ]

    def stage(self, entry: LedgerEntry) -> None:
        """Stage one entry."""
        self.session.add(entry)


@dataclass(frozen=True)
class Received:
    """Payments received: the total, their count, per contact and per month."""

    total: Decimal
    count: int
    by_contact: list[tuple[int, str, Decimal, int]]  # contact id, name, amount, count
    by_month: list[tuple[str, Decimal]]  # "YYYY-MM", amount


class PaymentRepository(Repository[Payment]):
    model = Payment
    label = "payment"

    def is_visible(self, payment_id: int, viewer: Viewer | None) -> bool:
        """Tell whether ``viewer`` may see the payment (the list's rule, for one row)."""
        stmt = select(Payment.id).where(Payment.id == payment_id, visible_payments(viewer))
        return self.session.execute(stmt).first() is not None

    def add_allocation(self, allocation: PaymentAllocation) -> None:
        """Stage an allocation of a return's credit (a payment's goes on the payment)."""
        self.session.add(allocation)
        self.session.flush()

    def allocation_for_update(self, allocation_id: int) -> PaymentAllocation:
        """Return one allocation, locked; raise NotFound."""
        stmt = (
            select(PaymentAllocation).where(PaymentAllocation.id == allocation_id).with_for_update()
        )
        found = self.session.scalars(stmt).first()
        if found is None:
            raise NotFound(f"allocation {allocation_id} not found")
        return found

    def live_allocations_of_contact(self, contact_id: int) -> builtins.list[PaymentAllocation]:
        """Return the allocations not undone to a contact's documents, newest first."""
        stmt = (
            select(PaymentAllocation)
            .join(Document, Document.id == PaymentAllocation.document_id)
            .where(Document.contact_id == contact_id, PaymentAllocation.undone_on.is_(None))
            .order_by(PaymentAllocation.id.desc())
            .limit(500)
        )
        return list(self.session.scalars(stmt))

    def live_allocations_of(self, document_id: int) -> builtins.list[PaymentAllocation]:
        """Return the allocations not undone made to or from a document."""
        stmt = select(PaymentAllocation).where(
            or_(
                PaymentAllocation.document_id == document_id,
                PaymentAllocation.source_document_id == document_id,
            ),
            PaymentAllocation.undone_on.is_(None),
        )
        return list(self.session.scalars(stmt.order_by(PaymentAllocation.id)))

    def list(
        self,
        *,
        contact_id: int | None = None,
        viewer: Viewer | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Payment]:
        """Return the payments ``viewer`` may see, newest first."""
        stmt = (
            select(Payment)
            .where(visible_payments(viewer))
            .order_by(Payment.id.desc())
            .limit(limit)
            .offset(offset)
        )
        if contact_id is not None:
            stmt = stmt.where(Payment.contact_id == contact_id)
        return list(self.session.scalars(stmt))

    def received(self, start: date | None, end: date | None, limit: int) -> Received:
        """Return the payments received in [start, end], bounced cheques excluded: the
        total, per contact (the ``limit`` largest) and per month."""
        conditions: builtins.list[ColumnElement[bool]] = [
            func.coalesce(Payment.cheque_state, "") != "bounced"
        ]
        if start:
            conditions.append(Payment.received_on >= start)
        if end:
            conditions.append(Payment.received_on <= end)
        where = and_(*conditions)
        amount = exact(func.sum(Payment.amount))
        total, count = self.session.execute(
            select(exact(func.coalesce(func.sum(Payment.amount), 0)), func.count()).where(where)
        ).one()
        per_contact = self.session.execute(
            select(Payment.contact_id, Contact.name, amount, func.count())
            .join(Contact, Contact.id == Payment.contact_id)
            .where(where)
            .group_by(Payment.contact_id, Contact.name)
            .order_by(amount.desc())
            .limit(limit)
        )
        month = self._month_of(Payment.received_on)
        per_month = self.session.execute(
            select(month, amount).where(where).group_by(month).order_by(month)
        )
        return Received(
            Decimal(total),
            int(count),
            [(c, n, a, k) for c, n, a, k in per_contact],
            [(m, a) for m, a in per_month],
        )

    def _month_of(self, column: Any) -> ColumnElement[str]:
        """Return a 'YYYY-MM' expression for a date column on this database."""
        if self.session.get_bind().dialect.name == "sqlite":
            return func.strftime("%Y-%m", column)
        return func.to_char(column, "YYYY-MM")
