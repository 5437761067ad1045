"""Follow-up queries: levels, customer states, open invoices per customer, history.

The daily pass reads these set-based (one query per batch of customers), never one
invoice at a time, so 100,000 posted invoices cost a few index scans (F8, bench).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, and_, distinct, func, insert, select, type_coerce
from sqlalchemy.exc import IntegrityError

from engine.domain.followups import LevelRule, OpenInvoice
from engine.domain.states import OPEN
from engine.models.contacts import Contact
from engine.models.documents import Document, DocumentType
from engine.models.followups import CustomerFollowup, FollowupEvent, FollowupLevel, InvoiceFollowup
from engine.models.types import ExactDecimal
from engine.models.workflow import HumanTask, ProcessInstance
from engine.repositories.base import Repository
from engine.repositories.documents import (
    as_date,
    due_expr,
    due_open_expr,
    installment_rows,
    open_expr,
    overdue_clause,
    states_in,
)
from engine.repositories.visibility import Viewer, visible_documents

FOLLOWED_KIND = "sales_invoice"
FOLLOWUP_EVENT: Table = FollowupEvent.__table__  # type: ignore[assignment]


class FollowupRepository(Repository[CustomerFollowup]):
    model = CustomerFollowup
    label = "customer follow-up"

    # Levels ----------------------------------------------------------------
    def levels(self, *, active_only: bool = True) -> list[FollowupLevel]:
        """Return the levels in firing order."""
        stmt = select(FollowupLevel).order_by(FollowupLevel.days, FollowupLevel.id)
        if active_only:
            stmt = stmt.where(FollowupLevel.is_active.is_(True))
        return list(self.session.scalars(stmt))

    def level(self, level_id: int) -> FollowupLevel | None:
        """Return one level or None."""
        return self.session.get(FollowupLevel, level_id)

    def level_with_days(self, days: int) -> FollowupLevel | None:
        """Return the level firing ``days`` from the due date, or None."""
        return self.session.scalars(select(FollowupLevel).where(FollowupLevel.days == days)).first()

    def add_level(self, level: FollowupLevel) -> None:
        """Stage a new level (written at the next flush)."""
        self.session.add(level)

    def delete_level(self, level: FollowupLevel) -> None:
        """Stage a level's deletion (written at the next flush)."""
        self.session.delete(level)

    def level_in_use(self, level_id: int) -> bool:
        """Tell whether history, an invoice or a customer points at the level."""
        for model in (FollowupEvent, InvoiceFollowup, CustomerFollowup):
            stmt = select(model.level_id).where(model.level_id == level_id).limit(1)
            if self.session.execute(stmt).first() is not None:
                return True
        return False

    def rules(self) -> list[LevelRule]:
        """Return the active levels as the scheduler's rules."""
        return [
            LevelRule(lvl.id, lvl.days, lvl.channels, lvl.automatic, lvl.activity_type is not None)
            for lvl in self.levels()
        ]

    # Customer states -------------------------------------------------------
    def of_contact(self, contact_id: int, *, lock: bool = False) -> CustomerFollowup | None:
        """Return the customer's follow-up row (locked for update when asked), or None."""
        stmt = select(CustomerFollowup).where(CustomerFollowup.contact_id == contact_id)
        if lock:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(stmt).first()

    def ensure(self, contact: Contact) -> CustomerFollowup:
        """Return the customer's row, creating it (responsible = the contact's owner, P7)."""
        row = self.of_contact(contact.id, lock=True)
        if row is not None:
            return row
        try:  # a savepoint: losing the race to create the row costs only that
            with self.session.begin_nested():
                row = CustomerFollowup(
                    contact_id=contact.id,
                    status="none",
                    mode="automatic",
                    responsible_id=contact.owner_id,
                )
                self.session.add(row)
                self.session.flush()
            return row
        except IntegrityError:
            found = self.of_contact(contact.id, lock=True)
            if found is None:
                raise
            return found

    def due_contact_ids(
        self, on: date, *, limit: int, after_id: int = 0, shard: tuple[int, int] = (0, 1)
    ) -> list[int]:
        """Return automatic customers whose next date has come, in id order (keyset pages).

        ``shard`` = (i, n) keeps the customers whose id is i modulo n, so n workers can
        share one pass without touching the same customer.
        """
        stmt = (
            select(CustomerFollowup.contact_id)
            .where(
                CustomerFollowup.status == "waiting",
                CustomerFollowup.mode == "automatic",
                CustomerFollowup.next_date <= on,
                CustomerFollowup.contact_id > after_id,
            )
            .order_by(CustomerFollowup.contact_id)
            .limit(limit)
        )
        index, count = shard
        if count > 1:
            stmt = stmt.where(CustomerFollowup.contact_id % count == index)
        return list(self.session.scalars(stmt))

    def waiting_after(self, after_id: int, *, limit: int) -> list[CustomerFollowup]:
        """Return waiting customers with a contact id above ``after_id`` (keyset pages)."""
        stmt = (
            select(CustomerFollowup)
            .where(CustomerFollowup.status == "waiting", CustomerFollowup.contact_id > after_id)
            .order_by(CustomerFollowup.contact_id)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def unfollowed_with_open_invoices(self, *, limit: int) -> list[int]:
        """Return customers with an open, dated invoice but no follow-up under way.

        A bounced cheque reopens an invoice of a customer whose follow-up had ended;
        invoices may also arrive without the posting path (an import). The daily pass
        starts these customers again.
        """
        waiting = select(CustomerFollowup.contact_id).where(
            CustomerFollowup.status.in_(("waiting", "action_needed", "done"))
        )
        stmt = (
            select(Document.contact_id)
            .join(DocumentType, DocumentType.id == Document.type_id)
            .where(
                states_in(OPEN),
                Document.due_date.is_not(None),
                Document.total > Document.paid,
                DocumentType.kind == FOLLOWED_KIND,
                Document.contact_id.not_in(waiting),
            )
            .distinct()
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def needing_action(self, on: date, *, limit: int, offset: int) -> list[CustomerFollowup]:
        """Return customers with a level due by ``on`` or waiting for a person (F8)."""
        stmt = (
            select(CustomerFollowup)
            .where(
                CustomerFollowup.status.in_(("waiting", "action_needed")),
                CustomerFollowup.next_date <= on,
            )
            .order_by(CustomerFollowup.next_date, CustomerFollowup.contact_id)
            .limit(limit)
            .offset(offset)
        )
        return list(self.session.scalars(stmt))

    def states(
        self, contact_ids: Sequence[int], *, lock: bool = False
    ) -> dict[int, CustomerFollowup]:
        """Return the rows of these customers by contact id (locked for update when asked)."""
        stmt = select(CustomerFollowup).where(CustomerFollowup.contact_id.in_(list(contact_ids)))
        if lock:
            stmt = stmt.order_by(CustomerFollowup.id).with_for_update()
        return {row.contact_id: row for row in self.session.scalars(stmt)}

    def instances(
        self, instance_ids: Sequence[int], *, lock: bool = False
    ) -> dict[int, ProcessInstance]:
        """Return these process instances by id (locked for update when asked)."""
        stmt = select(ProcessInstance).where(ProcessInstance.id.in_(list(instance_ids)))
        if lock:
            stmt = stmt.order_by(ProcessInstance.id).with_for_update()
        return {row.id: row for row in self.session.scalars(stmt)}

    def contacts(self, contact_ids: Sequence[int]) -> dict[int, Contact]:
        """Return these contacts by id, in one query."""
        stmt = select(Contact).where(Contact.id.in_(list(contact_ids)))
        return {contact.id: contact for contact in self.session.scalars(stmt)}

    def instances_with_open_tasks(self, instance_ids: Sequence[int]) -> set[int]:
        """Return which of these instances have an open human task (an activity)."""
        if not instance_ids:
            return set()
        stmt = select(HumanTask.instance_id).where(
            HumanTask.instance_id.in_(list(instance_ids)), HumanTask.status == "open"
        )
        return set(self.session.scalars(stmt))

    # Invoices ----------------------------------------------------------------
    def open_invoices(
        self,
        contact_ids: Iterable[int],
        *,
        lock: bool = False,
        viewer: Viewer | None = None,
        on: date | None = None,
    ) -> dict[int, list[OpenInvoice]]:
        """Return each customer's open, dated sales invoices with their escalation so far.

        One query for the whole batch (F2: only what is still unpaid counts); with
        ``lock`` the invoices are locked until commit, so no payment changes them.
        With a ``viewer``, only the invoices they may see (T3.11). Under a payment
        term an invoice is due when its oldest open instalment is, and with ``on`` its
        open amount is what is open of the instalments due by then (issue 14 §3).
        """
        ids = list(contact_ids)
        due = due_expr().label("due_date")
        open_ = (due_open_expr(on) if on is not None else open_expr()).label("open_amount")
        stmt = (
            select(
                Document.contact_id,
                Document.id,
                Document.number,
                due,
                open_,
                # The level's current days: moving a level that already fired moves
                # the invoice with it rather than firing it again.
                func.coalesce(FollowupLevel.days, InvoiceFollowup.level_days).label("level_days"),
            )
            .join(DocumentType, DocumentType.id == Document.type_id)
            .outerjoin(InvoiceFollowup, InvoiceFollowup.document_id == Document.id)
            .outerjoin(FollowupLevel, FollowupLevel.id == InvoiceFollowup.level_id)
            .where(
                Document.contact_id.in_(ids),
                states_in(OPEN),
                Document.due_date.is_not(None),
                Document.total > Document.paid,
                DocumentType.kind == FOLLOWED_KIND,
                visible_documents(viewer),
            )
            .order_by(Document.contact_id, due, Document.id)
        )
        if lock:
            stmt = stmt.with_for_update(of=Document)
        out: dict[int, list[OpenInvoice]] = defaultdict(list)
        for row in self.session.execute(stmt):
            out[row.contact_id].append(
                OpenInvoice(
                    id=row.id,
                    number=row.number or f"#{row.id}",
                    due_date=as_date(row.due_date),
                    open_amount=row.open_amount,
                    level_days=row.level_days,
                )
            )
        return out

    def invoice_progress(self, document_ids: Sequence[int]) -> dict[int, InvoiceFollowup]:
        """Return the escalation rows of these invoices by document id."""
        stmt = select(InvoiceFollowup).where(InvoiceFollowup.document_id.in_(document_ids))
        return {row.document_id: row for row in self.session.scalars(stmt)}

    def add_invoice_progress(self, row: InvoiceFollowup) -> None:
        """Stage a new escalation row."""
        self.session.add(row)

    def overdue_totals(
        self, contact_ids: Sequence[int], on: date, viewer: Viewer | None = None
    ) -> dict[int, tuple[int, Decimal]]:
        """Return (count, total open) of each customer's invoices past due on ``on``
        that ``viewer`` may see: the invoices and what is open of their instalments
        past due (issue 14 §3)."""
        rows = installment_rows(Document.total, Document.paid)
        stmt = rows.join(
            select(
                Document.contact_id,
                func.count(distinct(Document.id)),
                type_coerce(func.coalesce(func.sum(rows.open), 0), ExactDecimal()),
            ).join(DocumentType, DocumentType.id == Document.type_id)
        )
        stmt = stmt.where(
            and_(
                Document.contact_id.in_(list(contact_ids)),
                overdue_clause(on),
                rows.due < on,
                DocumentType.kind == FOLLOWED_KIND,
                visible_documents(viewer),
            )
        ).group_by(Document.contact_id)
        return {row[0]: (int(row[1]), Decimal(row[2])) for row in self.session.execute(stmt)}

    # History -----------------------------------------------------------------
    def record(self, event: FollowupEvent) -> None:
        """Stage one history line."""
        self.session.add(event)

    def record_many(self, events: Sequence[dict[str, Any]]) -> None:
        """Insert history lines given as column values: one executemany, no ORM rows."""
        if events:
            self.session.execute(insert(FOLLOWUP_EVENT), events)

    def history(self, contact_id: int, *, limit: int = 200) -> list[FollowupEvent]:
        """Return the customer's follow-up history, newest first (F7)."""
        stmt = (
            select(FollowupEvent)
            .where(FollowupEvent.contact_id == contact_id)
            .order_by(FollowupEvent.id.desc())
            .limit(limit)
        )
        return list(self.session.scalars(stmt))
