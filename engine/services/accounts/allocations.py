"""Allocation as an operation: apply a contact's unallocated credit to an open invoice,
and undo it (issue 14 §2, decisions §17)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.domain.errors import InvalidState, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.states import POSTED
from engine.models.documents import Document
from engine.models.ledger import Payment
from engine.services.accounts import _allocations
from engine.services.documents._posting import open_amount
from engine.services.unit_of_work import AbstractUnitOfWork
from engine.services.users.access import load_actor, require


@dataclass(frozen=True)
class NewAllocation:
    """Apply ``amount`` of a payment's (``payment_id``) or a posted return's
    (``source_document_id``) credit to the open document ``document_id``."""

    document_id: int
    amount: Decimal
    payment_id: int | None = None
    source_document_id: int | None = None


def allocate_credit(uow: AbstractUnitOfWork, cmd: NewAllocation, *, actor_id: int) -> int:
    """Apply unallocated credit to an open invoice of the same contact; return its id.

    Raises ValidationFailed naming ``source``, ``source.payment_id``,
    ``source.document_id``, ``document_id`` or ``amount`` (more than the credit left or
    the invoice's open amount, not positive, more decimals than the currency); nothing
    is written then.
    """
    if (cmd.payment_id is None) == (cmd.source_document_id is None):
        raise ValidationFailed.single("source", "give either payment_id or document_id")
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        credit = _credit(uow, cmd)
        _allocations.check_target(
            uow.documents.find(cmd.document_id), credit.contact_id, credit.effect, "document_id"
        )
        target = uow.documents.get_for_update(cmd.document_id)
        _allocations.check_amount(
            cmd.amount, target.currency, open_=open_amount(target), left=credit.left
        )
        allocation = _allocations.apply(
            uow,
            target=target,
            amount=cmd.amount,
            actor_id=actor_id,
            payment=credit.payment,
            source=credit.document,
        )
        uow.audit.record(
            actor_id=actor_id,
            action="allocation.create",
            entity="document",
            entity_id=target.id,
            details={"amount": str(cmd.amount)},
        )
        uow.commit()
        return allocation.id


def undo_allocation(uow: AbstractUnitOfWork, *, allocation_id: int, actor_id: int) -> None:
    """Undo a live allocation: the credit is unallocated again, the invoice open again.

    NotFound for an unknown allocation; InvalidState for one already undone.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        allocation = uow.payments.allocation_for_update(allocation_id)
        if allocation.undone_on is not None:
            raise InvalidState("the allocation is already undone")
        _allocations.undo(uow, allocation, actor_id=actor_id)
        uow.audit.record(
            actor_id=actor_id,
            action="allocation.undo",
            entity="document",
            entity_id=allocation.document_id,
            details={"allocation_id": allocation_id},
        )
        uow.commit()


@dataclass(frozen=True)
class _Credit:
    contact_id: int
    effect: str  # the credit's own effect on the contact
    left: Decimal
    payment: Payment | None = None
    document: Document | None = None


def _credit(uow: AbstractUnitOfWork, cmd: NewAllocation) -> _Credit:
    if cmd.payment_id is not None:
        found = uow.payments.find(cmd.payment_id)
        if found is None:
            raise ValidationFailed.single("source.payment_id", "unknown payment")
        payment = uow.payments.get_for_update(found.id)
        left = _allocations.payment_left(payment)
        if left <= 0:
            raise ValidationFailed.single("source.payment_id", "no credit is left on it")
        effect = _allocations.payment_effect(payment)
        return _Credit(payment.contact_id, effect, left, payment=payment)
    source = uow.documents.find(cmd.source_document_id or 0)
    if source is None or source.type.source_kind is None or source.state not in POSTED:
        raise ValidationFailed.single("source.document_id", "must be a posted return")
    source = uow.documents.get_for_update(source.id)
    if open_amount(source) <= 0:
        raise ValidationFailed.single("source.document_id", "no credit is left on it")
    return _Credit(
        source.contact_id, source.type.contact_effect, open_amount(source), document=source
    )
