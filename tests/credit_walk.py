"""The credit exposure computed by walking documents, as it was before the one-query
version (issue 14 §5): the in-memory fake answers with it, and the integration tests
check that the SQL of ``DocumentRepository.credit_figures`` gives the same figures."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Protocol

from engine.domain.effects import is_credit_sale
from engine.domain.exposure import CreditFigures
from engine.domain.states import IN_APPROVAL, ORDER_PROGRESS, POSTED, DocumentState
from engine.models.documents import Document
from engine.models.ledger import LedgerEntry

ZERO = Decimal(0)


class _Documents(Protocol):
    def of_contact(self, contact_id: int, states: Collection[DocumentState]) -> list[Document]: ...

    def children(self, source_id: int, *, kind: str | None = None) -> list[Document]: ...

    def find(self, id_: int) -> Document | None: ...


class _Ledger(Protocol):
    def of_document(self, document_id: int) -> list[LedgerEntry]: ...


class _Contacts(Protocol):
    def balance(self, contact_id: int) -> Decimal: ...


def walk_figures(
    documents: _Documents,
    ledger: _Ledger,
    contacts: _Contacts,
    contact_id: int,
    *,
    leave_out: int | None,
    source_id: int | None,
) -> CreditFigures:
    """Return the credit figures by reading every open document and order."""
    own_posted = _ledger_net(ledger, leave_out)
    others = contacts.balance(contact_id) - own_posted
    for pending in documents.of_contact(contact_id, IN_APPROVAL):
        if pending.id != leave_out and is_credit_sale(
            pending.type.contact_effect, pending.type.source_kind
        ):
            others += pending.total
    source_order = own_order = ZERO
    left_out = documents.find(leave_out) if leave_out is not None else None
    if left_out is not None:  # an order being confirmed is not one yet: counted anyway
        own_order = _order_open(documents, ledger, left_out, skip=leave_out)
    for order in documents.of_contact(contact_id, ORDER_PROGRESS):
        still = _order_open(documents, ledger, order, skip=leave_out)
        if order.id == leave_out:
            continue
        if order.id == source_id:
            source_order = still
        else:
            others += still
    return CreditFigures(others, source_order, own_order, own_posted)


def _order_open(
    documents: _Documents, ledger: _Ledger, order: Document, *, skip: int | None
) -> Decimal:
    invoiced = ZERO
    for child in documents.children(order.id):
        if child.id == skip:
            continue
        if child.state in {s.value for s in IN_APPROVAL}:
            invoiced += child.total
        elif child.state in {s.value for s in POSTED}:
            invoiced += _ledger_net(ledger, child.id)
    return max(order.total - invoiced, ZERO)


def _ledger_net(ledger: _Ledger, document_id: int | None) -> Decimal:
    if document_id is None:
        return ZERO
    return sum(
        (e.debit - e.credit for e in ledger.of_document(document_id) if e.payment_id is None),
        ZERO,
    )
