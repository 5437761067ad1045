"""Receipts by cash, bank or cheque, allocated to posted invoices (SPEC I5, I6)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine import clock
from engine.domain.errors import InvalidState, NotFound, ValidationFailed
from engine.domain.permissions import Perm
from engine.models.ledger import LedgerEntry, Payment
from engine.services.accounts import _allocations
from engine.services.documents._posting import open_amount, record_event
from engine.services.unit_of_work import AbstractUnitOfWork, UnitOfWork
from engine.services.users.access import account_viewer, load_actor, require

logger = logging.getLogger(__name__)

METHODS = ("cash", "bank", "cheque")
DIRECTIONS = ("in", "out")  # received from the contact, or paid to it (a supplier)
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
    direction: str = "in"


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
    direction: str = "in"


def record_payment(uow: AbstractUnitOfWork, cmd: NewPayment, *, actor_id: int) -> int:
    """Record a receipt (or, ``direction`` out, a payment to the contact), credit (debit)
    the contact and settle the allocated invoices.

    Raises ValidationFailed naming ``amount``, ``method``, ``allocations[i].amount`` ...
    for a non-positive amount, an allocation past what is open on the invoice, or
    allocations that add up to more than the payment.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        payment = stage_payment(uow, cmd, actor_id=actor_id)
        uow.commit()
        logger.info("payment recorded", extra={"payment_id": payment.id})
        return payment.id


def stage_payment(uow: AbstractUnitOfWork, cmd: NewPayment, *, actor_id: int) -> Payment:
    """Stage a payment, its allocations, its ledger row and its audit row in the
    caller's transaction (it checks no permission and does not commit).

    Raises ValidationFailed as :func:`record_payment` does.
    """
    _check_payment(cmd)
    if uow.contacts.find(cmd.contact_id) is None:
        raise ValidationFailed.single("contact_id", f"unknown contact {cmd.contact_id}")
    payment = uow.payments.add(
        Payment(
            contact_id=cmd.contact_id,
            amount=cmd.amount,
            method=cmd.method,
            direction=cmd.direction,
            received_on=cmd.received_on or clock.business_today(),
            reference=cmd.reference,
            cheque_number=cmd.cheque_number,
            cheque_due_date=cmd.cheque_due_date,
            cheque_state="received" if cmd.method == "cheque" else None,
            created_by=actor_id,
        )
    )
    _allocate(uow, payment, cmd, actor_id)
    out = cmd.direction == "out"
    uow.ledger.stage(
        LedgerEntry(
            contact_id=cmd.contact_id,
            payment_id=payment.id,
            kind="payment",
            entry_date=payment.received_on,
            debit=cmd.amount if out else Decimal(0),
            credit=Decimal(0) if out else cmd.amount,
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
    return payment


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
    """Return the plain view of a payment: its live allocations and what is left of it."""
    allocations = _allocations.live(p.allocations)
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
        allocations=[
            {"id": a.id, "document_id": a.document_id, "amount": a.amount} for a in allocations
        ],
        unallocated=_allocations.payment_left(p),
        direction=p.direction,
    )


def _check_payment(cmd: NewPayment) -> None:
    errors: dict[str, str] = {}
    if cmd.amount <= 0:
        errors["amount"] = "must be greater than zero"
    if cmd.direction not in DIRECTIONS:
        errors["direction"] = f"must be one of: {', '.join(DIRECTIONS)}"
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
    effect = _allocations.payment_effect(payment)
    for i, allocation in enumerate(cmd.allocations):
        where = f"allocations[{i}]"
        try:
            document = _allocations.check_target(
                uow.documents.find(allocation.document_id),
                cmd.contact_id,
                effect,
                f"{where}.document_id",
            )
        except ValidationFailed as error:
            errors.update({k: v[0] for k, v in error.fields.items()})
            continue
        document = uow.documents.get_for_update(document.id)
        if allocation.amount > open_amount(document):
            errors[f"{where}.amount"] = (
                f"only {open_amount(document).normalize():f} is open on this document"
            )
            continue
        _allocations.apply(
            uow, target=document, amount=allocation.amount, actor_id=actor_id, payment=payment
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
            # undoes the payment's own entry: a debit for a receipt, a credit for a payment out
            debit=Decimal(0) if payment.direction == "out" else payment.amount,
            credit=payment.amount if payment.direction == "out" else Decimal(0),
            memo="cheque bounced",
        )
    )
    for allocation in _allocations.live(payment.allocations):
        _allocations.undo(uow, allocation, actor_id=actor_id)
        document = uow.documents.get_for_update(allocation.document_id)
        record_event(
            uow,
            document,
            "cheque_bounced",
            actor_id=actor_id,
            payment_id=payment.id,
            amount=str(allocation.amount),
        )
