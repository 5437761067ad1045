"""Document types, documents, their history and number sequences."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import and_, case, exists, func, literal, or_, select, type_coerce, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, aliased, selectinload
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from engine.domain.effects import ContactEffect
from engine.domain.errors import NotFound
from engine.domain.exposure import CreditFigures
from engine.domain.states import IN_APPROVAL, OPEN, ORDER_PROGRESS, POSTED, DocumentState
from engine.models.contacts import Contact
from engine.models.decimal_text import xdec_greatest, xdec_least
from engine.models.documents import Document, DocumentEvent, DocumentLine, DocumentType
from engine.models.ledger import LedgerEntry, NumberSequence
from engine.models.payment_terms import DocumentInstallment
from engine.models.types import ExactDecimal
from engine.repositories import journal
from engine.repositories.base import Repository, exact
from engine.repositories.visibility import Viewer, visible_documents

# A document loads its lines and additions on first use (issue 11 §4: most commands on
# one document never read them); the queries returning many documents load them for all
# in two statements instead of two per document.
_WITH_CONTENT = (selectinload(Document.lines), selectinload(Document.addition_rows))
Money = ColumnElement[Decimal] | InstrumentedAttribute[Decimal]


def states_in(group: Collection[DocumentState]) -> ColumnElement[bool]:
    """Return the condition that keeps documents whose state is in ``group``."""
    return states_in_of(Document, group)


def states_in_of(alias: Any, group: Collection[DocumentState]) -> ColumnElement[bool]:
    """Return :func:`states_in` for an alias of the document table."""
    return cast(ColumnElement[bool], alias.state.in_(sorted(state.value for state in group)))


def open_expr() -> ColumnElement[Decimal]:
    """Return total - paid as an exact amount expression."""
    return type_coerce(Document.total - Document.paid, ExactDecimal())


def as_date(value: object) -> date:
    """Return a date read from SQL (SQLite hands back coalesce() of dates as text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def live_installments(on: date | None = None) -> ColumnElement[bool]:
    """Return the condition that keeps the instalment rows of the schedule in force
    (on ``on``, a past day; None: now)."""
    if on is None:
        return DocumentInstallment.replaced_on.is_(None)
    return and_(
        DocumentInstallment.since <= on,
        or_(DocumentInstallment.replaced_on.is_(None), DocumentInstallment.replaced_on > on),
    )


def due_expr(paid: Money | None = None, on: date | None = None) -> ColumnElement[date]:
    """Return the due date of the document's oldest instalment not fully paid, or,
    without a schedule, its due date, or its issue date (engine.domain.overdue).

    ``paid`` and ``on`` read a past day: what was paid then, the schedule then.
    """
    paid = Document.paid if paid is None else paid
    first_open = (
        select(func.min(DocumentInstallment.due_date))
        .where(
            DocumentInstallment.document_id == Document.id,
            live_installments(on),
            DocumentInstallment.start + DocumentInstallment.amount > paid,
        )
        .correlate_except(DocumentInstallment)
        .scalar_subquery()
    )
    return func.coalesce(first_open, Document.due_date, Document.issue_date)


def overdue_clause(today: date) -> ColumnElement[bool]:
    """Return the overdue rule as SQL: open state, an amount open, due before ``today``.

    The same rule as engine.domain.overdue.is_overdue, for lists, reports and
    follow-ups (issue 11 §1); "due" is its oldest open instalment's (issue 14 §3).
    """
    return and_(states_in(OPEN), Document.total > Document.paid, due_expr() < today)


@dataclass(frozen=True)
class InstallmentRows:
    """A document's instalments as rows of a query (one row for a document without a
    schedule): ``join`` adds them to a select on documents; ``due`` and ``open`` are
    each row's due date and what is open of it (oldest first,
    engine.domain.payment_terms.Installment.open_amount)."""

    join: Callable[[Any], Any]
    due: ColumnElement[date]
    open: ColumnElement[Decimal]
    amount: ColumnElement[Decimal]  # the instalment's (the document's total without one)


def installment_rows(total: Money, paid: Money, on: date | None = None) -> InstallmentRows:
    """Return the instalment rows of documents whose total and paid are ``total`` and
    ``paid``, with the schedule of ``on`` (None: now)."""
    row = DocumentInstallment
    zero = literal(Decimal(0), ExactDecimal())
    settled = type_coerce(xdec_greatest(row.start, paid), ExactDecimal())
    end = type_coerce(xdec_least(row.start + row.amount, total), ExactDecimal())
    open_ = type_coerce(
        case(
            (row.id.is_(None), type_coerce(total - paid, ExactDecimal())),
            else_=xdec_greatest(end - settled, zero),
        ),
        ExactDecimal(),
    )

    def join(stmt: Any) -> Any:
        return stmt.outerjoin(row, and_(row.document_id == Document.id, live_installments(on)))

    due = func.coalesce(row.due_date, Document.due_date, Document.issue_date)
    amount = type_coerce(case((row.id.is_(None), total), else_=row.amount), ExactDecimal())
    return InstallmentRows(join, due, open_, amount)


def due_open_expr(on: date) -> ColumnElement[Decimal]:
    """Return what is open of a document's instalments due on or before ``on`` (all of
    its open amount without a schedule): what a reminder asks for."""
    row = DocumentInstallment
    mine = and_(row.document_id == Document.id, live_installments())
    reached = (
        select(func.max(row.start + row.amount))
        .where(mine, row.due_date <= on)
        .correlate_except(row)
        .scalar_subquery()
    )
    zero = literal(Decimal(0), ExactDecimal())
    by_then = type_coerce(func.coalesce(reached, zero), ExactDecimal())
    scheduled = exists(select(row.id).where(mine).correlate_except(row))
    return type_coerce(
        case((scheduled, xdec_greatest(by_then - Document.paid, zero)), else_=open_expr()),
        ExactDecimal(),
    )


class DocumentTypeRepository(Repository[DocumentType]):
    model = DocumentType
    label = "document type"

    def by_code(self, code: str) -> DocumentType:
        """Return the type with this code; raise NotFound."""
        found = self.session.scalars(select(DocumentType).where(DocumentType.code == code)).first()
        if found is None:
            raise NotFound(f"document type {code!r} not found")
        return found

    def find_code(self, code: str) -> DocumentType | None:
        """Return the type with this code, or None."""
        return self.session.scalars(select(DocumentType).where(DocumentType.code == code)).first()

    def list(self) -> builtins.list[DocumentType]:
        """Return every type in display order."""
        stmt = select(DocumentType).order_by(DocumentType.position, DocumentType.id)
        return list(self.session.scalars(stmt))

    def take_number(self, type_id: int, period_key: str) -> int:
        """Increment and return the type's counter for the period (gapless, ARCHITECTURE §4).

        The UPDATE holds the sequence row's lock until commit, so parallel approvals of
        one type queue here and each gets the next value; a rollback gives it back.
        """
        stmt = (
            update(NumberSequence)
            .where(NumberSequence.type_id == type_id, NumberSequence.period_key == period_key)
            .values(last_value=NumberSequence.last_value + 1)
            .returning(NumberSequence.last_value)
        )
        taken = self.session.execute(stmt).scalar_one_or_none()
        if taken is None:  # the period's first number: create its counter, then take it
            self._create_sequence(type_id, period_key)
            taken = self.session.execute(stmt).scalar_one()
        return int(taken)

    def numbers(self, type_id: int) -> builtins.list[str]:
        """Return every number given to a document of the type."""
        stmt = select(Document.number).where(
            Document.type_id == type_id, Document.number.is_not(None)
        )
        return [number for number in self.session.scalars(stmt) if number]

    def sequence_values(self, type_id: int) -> dict[str, int]:
        """Return {period key: last value taken} of the type's counters."""
        stmt = select(NumberSequence.period_key, NumberSequence.last_value).where(
            NumberSequence.type_id == type_id
        )
        return {key: int(value) for key, value in self.session.execute(stmt)}

    def _create_sequence(self, type_id: int, period_key: str) -> None:
        # A nested transaction, so losing the race to create the row costs only the
        # savepoint; the winner's row is then used.
        try:
            with self.session.begin_nested():
                self.session.add(NumberSequence(type_id=type_id, period_key=period_key))
        except IntegrityError:
            pass  # another transaction created it first; the UPDATE below waits for it


class DocumentRepository(Repository[Document]):
    model = Document
    label = "document"

    def list(
        self,
        *,
        type_codes: Sequence[str] | None = None,
        states: Sequence[str] | None = None,
        contact_id: int | None = None,
        overdue_on: date | None = None,
        q: str | None = None,
        viewer: Viewer | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> builtins.list[Document]:
        """Return documents newest first, filtered; ``overdue_on`` keeps those overdue that day."""
        stmt = (
            select(Document)
            .join(DocumentType)
            .order_by(Document.created_at.desc(), Document.id.desc())
        )
        if type_codes:
            stmt = stmt.where(DocumentType.code.in_(type_codes))
        if states:
            stmt = stmt.where(Document.state.in_(states))
        if contact_id is not None:
            stmt = stmt.where(Document.contact_id == contact_id)
        if overdue_on is not None:
            stmt = stmt.where(overdue_clause(overdue_on))
        if q:
            stmt = stmt.join(Contact, Contact.id == Document.contact_id).where(
                Document.number.contains(q) | Contact.name.contains(q)
            )
        if viewer is not None:
            stmt = stmt.where(visible_documents(viewer))
        stmt = stmt.options(*_WITH_CONTENT).limit(limit).offset(offset)
        return list(self.session.scalars(stmt))

    def history_of(
        self, contact_id: int, viewer: Viewer | None, limit: int
    ) -> builtins.list[tuple[Document, DocumentType]]:
        """Return a contact's documents ``viewer`` may see with their types, newest
        issued first (at most ``limit``)."""
        stmt = (
            select(Document, DocumentType)
            .join(DocumentType, DocumentType.id == Document.type_id)
            .where(Document.contact_id == contact_id, visible_documents(viewer))
            .order_by(Document.issue_date.desc(), Document.id.desc())
            .limit(limit)
        )
        return [(d, t) for d, t in self.session.execute(stmt)]

    def is_visible(self, document_id: int, viewer: Viewer | None) -> bool:
        """Tell whether ``viewer`` may see the document (the list's rule, for one row)."""
        if viewer is None:
            return True
        stmt = select(Document.id).where(Document.id == document_id, visible_documents(viewer))
        return self.session.execute(stmt).first() is not None

    def events(self, document_id: int) -> builtins.list[DocumentEvent]:
        """Return the document's history, oldest first."""
        journal.write(self.session)  # this transaction's own lines too
        stmt = select(DocumentEvent).where(DocumentEvent.document_id == document_id)
        return list(self.session.scalars(stmt.order_by(DocumentEvent.at, DocumentEvent.id)))

    def delete(self, document: Document) -> None:
        """Stage the deletion of a document (its lines, additions and history go with it)."""
        journal.write(self.session)  # its history of this transaction goes too
        self.session.delete(document)

    def add_event(self, event: DocumentEvent) -> None:
        """Queue one history line; the commit writes the transaction's lines together."""
        journal.stage(self.session, event)

    def of_contact(
        self, contact_id: int, states: Collection[DocumentState]
    ) -> builtins.list[Document]:
        """Return the contact's documents in one of ``states``, oldest first."""
        stmt = (
            select(Document)
            .where(Document.contact_id == contact_id, states_in(states))
            .order_by(Document.id)
            .options(*_WITH_CONTENT)
        )
        return list(self.session.scalars(stmt))

    def children(self, source_id: int, *, kind: str | None = None) -> builtins.list[Document]:
        """Return the documents made from ``source_id`` (returns, invoices of an order)."""
        stmt = select(Document).join(DocumentType).where(Document.source_id == source_id)
        if kind:
            stmt = stmt.where(DocumentType.kind == kind)
        return list(self.session.scalars(stmt.options(*_WITH_CONTENT)))

    def returned_by_line(self, source_id: int, exclude_id: int | None = None) -> dict[int, Decimal]:
        """Return {invoice line id: quantity} returned (or being returned) against a source."""
        stmt = (
            select(DocumentLine.source_line_id, func.sum(DocumentLine.quantity))
            .join(Document, Document.id == DocumentLine.document_id)
            .where(
                Document.source_id == source_id,
                Document.state != DocumentState.CANCELLED,
                DocumentLine.source_line_id.is_not(None),
            )
            .group_by(DocumentLine.source_line_id)
        )
        if exclude_id is not None:
            stmt = stmt.where(Document.id != exclude_id)
        return {lid: Decimal(qty) for lid, qty in self.session.execute(stmt) if lid is not None}

    def credit_figures(
        self, contact_id: int, *, leave_out: int | None, source_id: int | None
    ) -> CreditFigures:
        """Return a contact's credit exposure cut around ``leave_out`` (and its source
        order ``source_id``) in one aggregate query (issue 14 §5, decisions §19).

        It reads sums, never the documents: the ledger balance less the left-out
        document's own rows, the credit sales in approval, and per order not yet
        invoiced its total less what its invoices count (their posted amount, or their
        total while in approval), never below 0.
        """
        left_out, source = leave_out or 0, source_id or 0  # ids start at 1
        zero = literal(Decimal(0), ExactDecimal())

        def total(expr: Any) -> ColumnElement[Decimal]:
            return func.coalesce(exact(func.sum(expr)), zero)

        entry = LedgerEntry
        balance = (
            select(total(entry.debit - entry.credit))
            .where(entry.contact_id == contact_id)
            .scalar_subquery()
        )
        own_posted = (
            select(total(entry.debit - entry.credit))
            .where(entry.document_id == left_out, entry.payment_id.is_(None))
            .scalar_subquery()
        )
        pending = (
            select(total(Document.total))
            .join(DocumentType, DocumentType.id == Document.type_id)
            .where(
                Document.contact_id == contact_id,
                states_in(IN_APPROVAL),
                DocumentType.contact_effect == ContactEffect.DEBIT.value,
                DocumentType.source_kind.is_(None),
                Document.id != left_out,
            )
            .scalar_subquery()
        )
        orders = self._orders_open(contact_id, left_out, zero).subquery()

        def of_orders(keep: ColumnElement[bool]) -> ColumnElement[Decimal]:
            chosen = exact(case((keep, orders.c.still), else_=zero))
            return select(total(chosen)).scalar_subquery()

        row = self.session.execute(
            select(
                exact(balance),
                exact(pending),
                of_orders(and_(orders.c.id != left_out, orders.c.id != source)),
                of_orders(orders.c.id == source),
                of_orders(orders.c.id == left_out),
                exact(own_posted),
            )
        ).one()
        balance_, pending_, others, source_order, own_order, posted = row
        return CreditFigures(
            others=balance_ - posted + pending_ + others,
            source_order=source_order,
            own_order=own_order,
            own_posted=posted,
        )

    def _orders_open(
        self, contact_id: int, left_out: int, zero: ColumnElement[Decimal]
    ) -> Select[int, Decimal]:
        """Return (order id, what it still counts) for the contact's orders not yet
        invoiced, its invoices other than ``left_out`` taken off."""
        # the contact's orders, and the left-out document: an order being confirmed
        # (still a quote) counts what it will count once confirmed
        kept = or_(
            and_(Document.contact_id == contact_id, states_in(ORDER_PROGRESS)),
            Document.id == left_out,
        )
        orders = select(Document.id).where(kept)
        child = aliased(Document)
        net = (
            select(exact(func.sum(LedgerEntry.debit - LedgerEntry.credit)))
            .where(LedgerEntry.document_id == child.id, LedgerEntry.payment_id.is_(None))
            .scalar_subquery()
        )
        counted = exact(
            case(
                (states_in_of(child, POSTED), func.coalesce(exact(net), zero)),
                (states_in_of(child, IN_APPROVAL), child.total),
                else_=zero,
            )
        )
        invoiced = (
            select(child.source_id.label("order_id"), exact(func.sum(counted)).label("amount"))
            .where(child.source_id.in_(orders), child.id != left_out)
            .group_by(child.source_id)
            .subquery()
        )
        rest = exact(Document.total - func.coalesce(exact(invoiced.c.amount), zero))
        return (
            select(Document.id, exact(case((rest > zero, rest), else_=zero)).label("still"))
            .outerjoin(invoiced, invoiced.c.order_id == Document.id)
            .where(kept)
        )
