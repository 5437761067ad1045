"""Numbering, posting and reversing a document: the rows that make it count (I3, I10).

Nothing here commits: these run inside the command (or workflow step) that caused
them, so the document, its number, ledger and stock rows commit together or not at all.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from engine import clock
from engine.domain.effects import StockEffect, contact_posting, stock_posting
from engine.domain.numbering import format_number, period_key
from engine.domain.states import IN_APPROVAL, POSTED, payment_state, transition
from engine.models.documents import Document, DocumentEvent
from engine.models.ledger import LedgerEntry
from engine.models.products import StockMove
from engine.services.documents._credit import check_sale
from engine.services.terms._schedule import apply_discount, retire_schedule, write_schedule
from engine.services.unit_of_work import AbstractUnitOfWork

logger = logging.getLogger(__name__)


def record_event(
    uow: AbstractUnitOfWork,
    document: Document,
    action: str,
    *,
    actor_id: int | None,
    comment: str | None = None,
    **details: object,
) -> None:
    """Stage one line of the document's history (I8)."""
    uow.documents.add_event(
        DocumentEvent(
            document_id=document.id,
            actor_id=actor_id,
            action=action,
            comment=comment,
            details=details,
            at=clock.now(),
        )
    )


def assign_number(uow: AbstractUnitOfWork, document: Document, *, actor_id: int | None) -> str:
    """Give the document the next number of its type and period, once (ARCHITECTURE §4)."""
    if document.number:
        return document.number
    doc_type = document.type
    key = period_key(doc_type.numbering_pattern, document.issue_date)
    seq = uow.types.take_number(doc_type.id, key)
    document.number = format_number(
        doc_type.numbering_pattern, code=doc_type.code, seq=seq, issued_on=document.issue_date
    )
    record_event(uow, document, "numbered", actor_id=actor_id, number=document.number)
    logger.info("document numbered", extra={"document_id": document.id, "number": document.number})
    return document.number


def post_document(uow: AbstractUnitOfWork, document: Document, *, actor_id: int | None) -> None:
    """Write the ledger and stock rows of an approved document and mark it posted."""
    doc_type = document.type
    contact = uow.contacts.get(document.contact_id)
    # In approval, the sale has counted since its submission; posted straight from
    # a draft, it adds what it adds over its last posting (an edit's change). An
    # "approve" type's breach was routed to the credit approval before this.
    old = None if document.state in IN_APPROVAL else _last_posted(uow, document.id)
    check_sale(uow, document, old=old, route=True)
    today = clock.business_today()
    debit, credit = contact_posting(doc_type.contact_effect, document.total)
    if debit or credit:
        uow.ledger.stage(
            LedgerEntry(
                contact_id=contact.id,
                document_id=document.id,
                kind="document",
                entry_date=today,
                debit=debit,
                credit=credit,
                memo=document.number or "",
            )
        )
    apply_discount(uow, document)  # the term as it is now (issue 14 §4)
    write_schedule(uow, document)
    _move_stock(uow, document)
    if document.source_id is not None:
        release_reservation(uow, document.source_id)
    _apply_return(uow, document, actor_id)
    if doc_type.assign_customer_number and not contact.customer_number:  # T3.16
        contact.customer_number = f"C{uow.contacts.next_customer_number():06d}"
    now = clock.now()
    transition(document, payment_state(paid=document.paid, total=document.total))
    document.posted_at = now
    document.approved_at = document.approved_at or now
    record_event(uow, document, "posted", actor_id=actor_id, total=str(document.total))
    logger.info("document posted", extra={"document_id": document.id})


def reverse_postings(
    uow: AbstractUnitOfWork, document: Document, *, actor_id: int | None, reason: str
) -> None:
    """Write reversing rows for everything the document posted (I10); nothing is deleted."""
    today = clock.business_today()
    entries = uow.ledger.of_document(document.id)
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    for entry in entries:
        if entry.reverses_id is None and entry.id not in reversed_ids and entry.payment_id is None:
            uow.ledger.stage(
                LedgerEntry(
                    contact_id=entry.contact_id,
                    document_id=document.id,
                    kind="reversal",
                    entry_date=today,
                    debit=entry.credit,
                    credit=entry.debit,
                    memo=reason,
                    reverses_id=entry.id,
                )
            )
    _reverse_moves(uow, document.id)
    retire_schedule(uow, document)
    record_event(uow, document, "reversed", actor_id=actor_id, comment=reason)


def undo_allocations(uow: AbstractUnitOfWork, document: Document, *, actor_id: int | None) -> None:
    """Undo every allocation to or from a document being cancelled: its payments become
    unallocated credit, a return's source invoice is open again (issue 14 §2)."""
    from engine.services.accounts import _allocations  # it builds on this module

    _allocations.undo_all(uow, document, actor_id=actor_id)


def _apply_return(uow: AbstractUnitOfWork, document: Document, actor_id: int | None) -> None:
    from engine.services.accounts import _allocations  # it builds on this module

    _allocations.apply_return(uow, document, actor_id=actor_id)


def release_reservation(uow: AbstractUnitOfWork, document_id: int) -> None:
    """Undo the stock a quote or order reserved (it is being invoiced or cancelled)."""
    source = uow.documents.find(document_id)
    if source is not None and source.type.stock_effect == StockEffect.RESERVE:
        _reverse_moves(uow, document_id)


def refresh_payment_state(document: Document) -> None:
    """Set posted / partially_paid / paid from what was paid (I5)."""
    if document.state in POSTED:
        transition(document, payment_state(paid=document.paid, total=document.total))


def _move_stock(uow: AbstractUnitOfWork, document: Document) -> None:
    warehouse_id = document.warehouse_id or uow.products.default_warehouse().id
    for line in document.lines:
        move = stock_posting(document.type.stock_effect, line.quantity)
        if move is not None:
            bucket, quantity = move
            uow.products.add_move(
                StockMove(
                    product_id=line.product_id,
                    warehouse_id=warehouse_id,
                    document_id=document.id,
                    bucket=bucket,
                    quantity=quantity,
                )
            )


def _reverse_moves(uow: AbstractUnitOfWork, document_id: int) -> None:
    moves = uow.products.moves_of(document_id)
    reversed_ids = {m.reverses_id for m in moves if m.reverses_id}
    for move in moves:
        if move.reverses_id is None and move.id not in reversed_ids:
            uow.products.add_move(
                StockMove(
                    product_id=move.product_id,
                    warehouse_id=move.warehouse_id,
                    document_id=document_id,
                    bucket=move.bucket,
                    quantity=-move.quantity,
                    reverses_id=move.id,
                )
            )


def _last_posted(uow: AbstractUnitOfWork, document_id: int) -> Decimal:
    """Return the debit less credit the document's last reversed posting had (0 if none)."""
    reversals = [e for e in uow.ledger.of_document(document_id) if e.reverses_id is not None]
    return reversals[-1].credit - reversals[-1].debit if reversals else Decimal(0)


def open_amount(document: Document) -> Decimal:
    """Return what is still to be paid on a posted document."""
    return max(document.total - document.paid, Decimal(0))
