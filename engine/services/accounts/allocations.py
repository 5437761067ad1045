"""Allocation as an operation: apply a contact's unallocated credit to an open invoice,
and undo it (issue 14 §2, decisions §20)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine.domain.errors import InvalidState, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.states import POSTED
from engine.models.documents import Document
from engine.models.ledger import Payment
from engine.services.accounts import _allocations
from engine.services.documents._posting import open_amount
from engine.services.unit_of_work import AbstractUnitOfWork, UnitOfWork
from engine.services.users.access import account_viewer, load_actor, require

HISTORY = 200  # rows on the contact page, as its other lists


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


@dataclass(frozen=True)
class CreditLine:
    """Credit not yet applied: a payment's (``payment_id``) or a posted return's."""

    label: str
    left: Decimal
    payment_id: int | None = None
    document_id: int | None = None


@dataclass(frozen=True)
class AllocationLine:
    id: int
    source: str
    document: str
    amount: Decimal
    allocated_on: date | None


@dataclass(frozen=True)
class ContactCredit:
    credits: list[CreditLine]
    allocations: list[AllocationLine]  # live ones, newest first


def contact_credit(uow: UnitOfWork, *, contact_id: int, actor_id: int) -> ContactCredit:
    """Return the contact page's credit: what may be applied, and what was (to undo).

    Of what the actor may see (T3.11); PermissionDenied without an account reader role.
    """
    with uow:
        viewer = account_viewer(uow, actor_id)
        documents = {d.id: (d, t) for d, t in uow.documents.history_of(contact_id, viewer, HISTORY)}
        payments = uow.payments.list(contact_id=contact_id, viewer=viewer, limit=HISTORY)
        credits = [
            CreditLine(f"#{p.id} {p.method}", _allocations.payment_left(p), payment_id=p.id)
            for p in payments
            if _allocations.payment_left(p) > 0
        ] + [
            CreditLine(d.number or f"#{d.id}", open_amount(d), document_id=d.id)
            for d, t in documents.values()
            if t.source_kind is not None and d.state in POSTED and open_amount(d) > 0
        ]
        lines = []
        for allocation in uow.payments.live_allocations_of_contact(contact_id):
            target = documents.get(allocation.document_id)
            if target is None:
                continue  # a document the actor may not see
            source = documents.get(allocation.source_document_id or 0)
            label = (source[0].number or "") if source else f"#{allocation.payment_id}"
            lines.append(
                AllocationLine(
                    allocation.id,
                    label,
                    target[0].number or f"#{target[0].id}",
                    allocation.amount,
                    allocation.allocated_on,
                )
            )
        return ContactCredit(credits, lines)
