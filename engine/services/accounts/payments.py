"""Receipts by cash, bank or cheque, allocated to posted invoices (SPEC I5, I6)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine import clock
from engine.domain.effects import is_receivable
from engine.domain.errors import InvalidState, NotFound, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.states import OPEN
from engine.models.ledger import LedgerEntry, Payment, PaymentAllocation
from engine.services.documents._posting import open_amount, record_event, refresh_payment_state
from engine.services.unit_of_work import AbstractUnitOfWork, UnitOfWork
from engine.services.users.access import account_viewer, load_actor, require

logger = logging.getLogger(__name__)

METHODS = ("cash", "bank", "cheque")
# A cheque moves forward only; any uncleared cheque may bounce (I6).
CHEQUE_MOVES = {
    "received": ("deposited", "cleared", "bounced"),
    "deposited": ("cleared", "bounced"),
    "cleared": (),
    "bounced": (),
}


@dataclass(frozen=True)
class Allocation:
    document_id: int
    amount: Decimal


@dataclass(frozen=True)
class NewPayment:
    contact_id: int
    amount: Decimal
    method: str
    allocations: Sequence[Allocation] = ()
    received_on: date | None = None
    reference: str = ""
    cheque_number: str | None = None
    cheque_due_date: date | None = None


@dataclass(frozen=True)
class PaymentView:
    id: int
    contact_id: int
    amount: Decimal
    method: str
    received_on: date
    reference: str
    cheque_number: str | None
    cheque_due_date: date | None
    cheque_state: str | None
    allocations: list[dict[str, object]]
    unallocated: Decimal


def record_payment(uow: AbstractUnitOfWork, cmd: NewPayment, *, actor_id: int) -> int:
    """Record a receipt, credit the contact and settle the allocated invoices.

    Raises ValidationFailed naming ``amount``, ``method``, ``allocations[i].amount`` ...
    for a non-positive amount, an allocation past what is open on the invoice, or
    allocations that add up to more than the payment.
    """
    _check_payment(cmd)
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        if uow.contacts.find(cmd.contact_id) is None:
            raise ValidationFailed.single("contact_id", f"unknown contact {cmd.contact_id}")
        payment = uow.payments.add(
            Payment(
                contact_id=cmd.contact_id,
                amount=cmd.amount,
                method=cmd.method,
                received_on=cmd.received_on or clock.business_today(),
                reference=cmd.reference,
                cheque_number=cmd.cheque_number,
                cheque_due_date=cmd.cheque_due_date,
                cheque_state="received" if cmd.method == "cheque" else None,
                created_by=actor_id,
            )
        )
        _allocate(uow, payment, cmd, actor_id)
        uow.ledger.stage(
            LedgerEntry(
                contact_id=cmd.contact_id,
                payment_id=payment.id,
                kind="payment",
                entry_date=payment.received_on,
                credit=cmd.amount,
                memo=f"{cmd.method} {cmd.reference}".strip(),
            )
        )
        uow.audit.record(
            actor_id=actor_id,
            action="payment.record",
            entity="payment",
            entity_id=payment.id,
            details={"amount": str(cmd.amount)},
        )
        uow.commit()
        logger.info("payment recorded", extra={"payment_id": payment.id})
        return payment.id


def set_cheque_state(
    uow: AbstractUnitOfWork, *, payment_id: int, state: str, actor_id: int
) -> None:
    """Move a cheque to deposited, cleared or bounced; a bounce reopens what it paid."""
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        payment = uow.payments.get_for_update(payment_id)
        if payment.method != "cheque" or payment.cheque_state is None:
            raise InvalidState("only a cheque has a cheque state")
        if state not in CHEQUE_MOVES.get(payment.cheque_state, ()):
            raise ValidationFailed.single(
                "state", f"a {payment.cheque_state} cheque cannot become {state!r}"
            )
        payment.cheque_state = state
        if state == "bounced":
            _bounce(uow, payment, actor_id)
        uow.audit.record(
            actor_id=actor_id,
            action="payment.cheque_state",
            entity="payment",
            entity_id=payment.id,
            details={"state": state},
        )
        uow.commit()


def get_payment(uow: UnitOfWork, *, payment_id: int, actor_id: int) -> PaymentView:
    """Return one payment with its allocations, if the actor may see it.

    PermissionDenied without a permission to read accounts; NotFound for a payment
    to a document the actor may not see (T3.11), as for the document itself.
    """
    with uow:
        viewer = account_viewer(uow, actor_id)
        payment = uow.payments.get(payment_id)
        if not uow.payments.is_visible(payment.id, viewer):
            raise NotFound(f"payment {payment_id} not found")
        return payment_view(payment)


def list_payments(
    uow: UnitOfWork,
    *,
    actor_id: int,
    contact_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[PaymentView]:
    """Return the payments the actor may see, newest first (PermissionDenied: no account
    reader)."""
    with uow:
        viewer = account_viewer(uow, actor_id)
        rows = uow.payments.list(
            contact_id=contact_id, viewer=viewer, limit=min(limit, 500), offset=offset
        )
        return [payment_view(p) for p in rows]


def payment_view(p: Payment) -> PaymentView:
    """Return the plain view of a payment."""
    allocated = sum((a.amount for a in p.allocations), Decimal(0))
    return PaymentView(
        id=p.id,
        contact_id=p.contact_id,
        amount=p.amount,
        method=p.method,
        received_on=p.received_on,
        reference=p.reference,
        cheque_number=p.cheque_number,
        cheque_due_date=p.cheque_due_date,
        cheque_state=p.cheque_state,
        allocations=[{"document_id": a.document_id, "amount": a.amount} for a in p.allocations],
        unallocated=p.amount - allocated,
    )


def _check_payment(cmd: NewPayment) -> None:
    errors: dict[str, str] = {}
    if cmd.amount <= 0:
        errors["amount"] = "must be greater than zero"
    if cmd.method not in METHODS:
        errors["method"] = f"must be one of: {', '.join(METHODS)}"
    if cmd.method == "cheque" and cmd.cheque_due_date is None:
        errors["cheque_due_date"] = "a cheque needs its due date"
    for i, allocation in enumerate(cmd.allocations):
        if allocation.amount <= 0:
            errors[f"allocations[{i}].amount"] = "must be greater than zero"
    if sum((a.amount for a in cmd.allocations), Decimal(0)) > cmd.amount > 0:
        errors["allocations"] = "the allocations add up to more than the payment"
    if len({a.document_id for a in cmd.allocations}) < len(cmd.allocations):
        errors["allocations"] = "each document may appear once"
    if errors:
        raise ValidationFailed(errors)


def _allocate(uow: AbstractUnitOfWork, payment: Payment, cmd: NewPayment, actor_id: int) -> None:
    errors: dict[str, str] = {}
    for i, allocation in enumerate(cmd.allocations):
        document = uow.documents.find(allocation.document_id)
        where = f"allocations[{i}]"
        if document is None or document.contact_id != cmd.contact_id:
            errors[f"{where}.document_id"] = "not a document of this contact"
            continue
        document = uow.documents.get_for_update(document.id)
        if document.state not in OPEN or not is_receivable(document.type.contact_effect):
            errors[f"{where}.document_id"] = f"cannot take a payment in state {document.state}"
            continue
        if allocation.amount > open_amount(document):
            errors[f"{where}.amount"] = (
                f"only {open_amount(document).normalize():f} is open on this document"
            )
            continue
        payment.allocations.append(
            PaymentAllocation(document_id=document.id, amount=allocation.amount)
        )
        document.paid += allocation.amount
        refresh_payment_state(document)
        record_event(
            uow,
            document,
            "payment",
            actor_id=actor_id,
            payment_id=payment.id,
            amount=str(allocation.amount),
            method=cmd.method,
        )
    if errors:
        raise ValidationFailed(errors)


def _bounce(uow: AbstractUnitOfWork, payment: Payment, actor_id: int) -> None:
    uow.ledger.stage(
        LedgerEntry(
            contact_id=payment.contact_id,
            payment_id=payment.id,
            kind="reversal",
            entry_date=clock.business_today(),
            debit=payment.amount,
            memo="cheque bounced",
        )
    )
    for allocation in payment.allocations:
        document = uow.documents.get_for_update(allocation.document_id)
        document.paid -= allocation.amount
        refresh_payment_state(document)
        record_event(
            uow,
            document,
            "cheque_bounced",
            actor_id=actor_id,
            payment_id=payment.id,
            amount=str(allocation.amount),
        )
