"""Applying credit to open documents and undoing it (issue 14 §2, decisions §20).

In-transaction helpers: the caller opened the unit of work and commits. A credit is a
payment (in: it credits the contact; out: it debits it) or a posted return; it settles
documents whose effect on the contact is the opposite one. ``document.paid`` is the sum
of a document's live allocations, on either side, so ``total - paid`` is what is open
on an invoice and what is left to apply of a return.
"""

from __future__ import annotations

from decimal import Decimal

from engine import clock
from engine.domain.effects import ContactEffect
from engine.domain.errors import ValidationFailed
from engine.domain.money import MINOR_UNITS, check_scale
from engine.domain.payment_terms import earns_discount
from engine.domain.states import POSTED
from engine.models.documents import Document
from engine.models.ledger import LedgerEntry, Payment, PaymentAllocation
from engine.services.documents._posting import open_amount, record_event, refresh_payment_state
from engine.services.unit_of_work import AbstractUnitOfWork

_ZERO = Decimal(0)


def payment_effect(payment: Payment) -> str:
    """Return the effect a payment has on its contact: in credits it, out debits it."""
    return payment_effect_of(payment.direction)


def payment_effect_of(direction: str) -> str:
    """Return the effect of a payment of ``direction`` (in credits, out debits)."""
    return ContactEffect.DEBIT.value if direction == "out" else ContactEffect.CREDIT.value


def live(allocations: list[PaymentAllocation]) -> list[PaymentAllocation]:
    """Return the allocations not undone."""
    return [a for a in allocations if a.undone_on is None]


def payment_left(payment: Payment) -> Decimal:
    """Return what is left to apply of a payment (nothing of a bounced cheque); an
    early discount granted with it takes nothing of it (issue 14 §4)."""
    if payment.cheque_state == "bounced":
        return _ZERO
    applied = (a.amount for a in live(payment.allocations) if not a.discount)
    return payment.amount - sum(applied, _ZERO)


def check_target(document: Document | None, contact_id: int, effect: str, field: str) -> Document:
    """Return ``document`` if credit of ``effect`` may settle it; raise naming ``field``."""
    if document is None or document.contact_id != contact_id:
        raise ValidationFailed.single(field, "not a document of this contact")
    opposite = document.type.contact_effect not in (effect, ContactEffect.NONE.value)
    if document.state not in POSTED or not opposite or document.type.source_kind is not None:
        raise ValidationFailed.single(field, f"cannot take a payment in state {document.state}")
    return document


def check_amount(amount: Decimal, currency: str, *, open_: Decimal, left: Decimal) -> None:
    """Raise ValidationFailed naming ``amount`` unless it is positive, in the currency's
    minor unit, and no more than the document's open amount and the credit left."""
    if amount <= 0:
        raise ValidationFailed.single("amount", "must be greater than zero")
    check_scale(amount, MINOR_UNITS.get(currency, 0), field="amount")
    if amount > open_:
        raise ValidationFailed.single(
            "amount", f"only {open_.normalize():f} is open on this document"
        )
    if amount > left:
        raise ValidationFailed.single("amount", f"only {left.normalize():f} of credit is left")


def apply(
    uow: AbstractUnitOfWork,
    *,
    target: Document,
    amount: Decimal,
    actor_id: int | None,
    payment: Payment | None = None,
    source: Document | None = None,
) -> PaymentAllocation:
    """Stage one allocation of a payment's or a return's credit to ``target``."""
    allocation = PaymentAllocation(
        document_id=target.id,
        source_document_id=source.id if source is not None else None,
        amount=amount,
        allocated_on=clock.business_today(),
        created_by=actor_id,
    )
    open_before = open_amount(target)
    if payment is not None:
        payment.allocations.append(allocation)
    else:
        uow.payments.add_allocation(allocation)
    _settle(target, amount)
    if payment is not None and _earns_discount(target, payment, amount, open_before):
        _grant_discount(uow, target, payment, actor_id)
    if source is not None:
        _settle(source, amount)
    detail = (
        {"payment_id": payment.id}
        if payment
        else {"source_document_id": source.id if source else None}
    )
    record_event(uow, target, "payment", actor_id=actor_id, amount=str(amount), **detail)
    return allocation


def undo(uow: AbstractUnitOfWork, allocation: PaymentAllocation, *, actor_id: int | None) -> None:
    """Undo one live allocation: its credit is unallocated again, its document open again.

    An early discount goes with the payment that earned it: undoing either undoes both
    and reverses the discount's ledger line (issue 14 §4). One already undone is left.
    """
    if allocation.undone_on is not None:
        return
    if allocation.payment_id is not None:
        _undo_discount(uow, allocation, actor_id)
    _undo_one(uow, allocation, actor_id)


def _undo_one(uow: AbstractUnitOfWork, allocation: PaymentAllocation, actor_id: int | None) -> None:
    if allocation.undone_on is not None:
        return
    allocation.undone_on = clock.business_today()
    target = uow.documents.get_for_update(allocation.document_id)
    _settle(target, -allocation.amount)
    if allocation.source_document_id is not None:
        _settle(uow.documents.get_for_update(allocation.source_document_id), -allocation.amount)
    record_event(
        uow,
        target,
        "allocation_undone",
        actor_id=actor_id,
        allocation_id=allocation.id,
        amount=str(allocation.amount),
    )


def undo_all(uow: AbstractUnitOfWork, document: Document, *, actor_id: int | None) -> None:
    """Undo every live allocation to or from ``document`` (it is being cancelled)."""
    for allocation in uow.payments.live_allocations_of(document.id):
        undo(uow, allocation, actor_id=actor_id)


def apply_return(uow: AbstractUnitOfWork, document: Document, *, actor_id: int | None) -> None:
    """Apply a posted return to its source invoice, up to what is open on it; the rest
    stays on the contact's account as unallocated credit (issue 14 §1)."""
    if document.source_id is None or document.type.source_kind is None:
        return
    source = uow.documents.get_for_update(document.source_id)
    amount = min(open_amount(source), open_amount(document))
    if source.state in POSTED and amount > 0:
        apply(uow, target=source, amount=amount, actor_id=actor_id, source=document)


def _earns_discount(target: Document, payment: Payment, amount: Decimal, open_: Decimal) -> bool:
    """Tell whether this payment, applied in full to ``target``, earns its early discount."""
    if target.early_discount is None or any(
        a.discount and a.document_id == target.id for a in live(payment.allocations)
    ):
        return False
    return earns_discount(
        amount=amount,
        open_=open_,
        discount=target.early_discount,
        received_on=payment.received_on,
        until=target.discount_date,
    )


def _grant_discount(
    uow: AbstractUnitOfWork, target: Document, payment: Payment, actor_id: int | None
) -> None:
    """Settle the rest of ``target`` with its early discount, a ledger line of its own."""
    amount = target.early_discount or _ZERO
    today = clock.business_today()
    payment.allocations.append(
        PaymentAllocation(
            document_id=target.id,
            amount=amount,
            discount=True,
            allocated_on=today,
            created_by=actor_id,
        )
    )
    _settle(target, amount)
    out = payment.direction == "out"
    uow.ledger.stage(
        LedgerEntry(
            contact_id=target.contact_id,
            document_id=target.id,
            payment_id=payment.id,
            kind="discount",
            entry_date=today,
            debit=amount if out else _ZERO,
            credit=_ZERO if out else amount,
            memo=target.number or "",
        )
    )
    record_event(
        uow, target, "early_discount", actor_id=actor_id, payment_id=payment.id, amount=str(amount)
    )


def _undo_discount(
    uow: AbstractUnitOfWork, allocation: PaymentAllocation, actor_id: int | None
) -> None:
    """Undo the payment's discount on the allocation's document, if any, and reverse
    its ledger line."""
    payment = uow.payments.get_for_update(allocation.payment_id or 0)
    pair = [a for a in live(payment.allocations) if a.document_id == allocation.document_id]
    if not any(a.discount for a in pair):
        return
    for other in pair:
        if other is not allocation:
            _undo_one(uow, other, actor_id)
    entries = uow.ledger.of_document(allocation.document_id)
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    for entry in entries:
        granted = entry.kind == "discount" and entry.payment_id == payment.id
        if granted and entry.id not in reversed_ids:
            uow.ledger.stage(
                LedgerEntry(
                    contact_id=entry.contact_id,
                    document_id=entry.document_id,
                    payment_id=payment.id,
                    kind="reversal",
                    entry_date=clock.business_today(),
                    debit=entry.credit,
                    credit=entry.debit,
                    memo="early discount undone",
                    reverses_id=entry.id,
                )
            )


def _settle(document: Document, amount: Decimal) -> None:
    document.paid += amount
    refresh_payment_state(document)
