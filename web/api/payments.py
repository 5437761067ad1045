"""/api/v1/payments: receipts allocated to invoices; cheque states (I5, I6)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.services.accounts import (
    DIRECTIONS,
    METHODS,
    Allocation,
    NewPayment,
    get_payment,
    list_payments,
    record_payment,
    set_cheque_state,
)
from web.api.fields import DecimalString, Id, LocalDate, LocalInteger, Offset, Text
from web.context import actor_id, new_uow, require_token

blp = Blueprint("payments", __name__, url_prefix="/api/v1/payments", description="Payments")
blp.before_request(require_token)


class AllocationIn(Schema):
    document_id = Id(required=True)
    amount = DecimalString(required=True)


class PaymentIn(Schema):
    contact_id = Id(required=True)
    amount = DecimalString(required=True)
    method = Text(required=True, validate=validate.OneOf(METHODS))
    direction = Text(load_default="in", validate=validate.OneOf(DIRECTIONS))
    allocations = fields.List(fields.Nested(AllocationIn), load_default=list)
    received_on = LocalDate(load_default=None, allow_none=True)
    reference = Text(load_default="", validate=validate.Length(max=80))
    cheque_number = Text(load_default=None, allow_none=True, validate=validate.Length(max=40))
    cheque_due_date = LocalDate(load_default=None, allow_none=True)


class AllocationOut(Schema):
    id = Id()
    document_id = Id()
    amount = DecimalString()


class PaymentOut(Schema):
    id = Id()
    contact_id = Id()
    amount = DecimalString()
    method = Text()
    direction = Text()
    received_on = LocalDate()
    reference = Text()
    cheque_number = Text(allow_none=True)
    cheque_due_date = LocalDate(allow_none=True)
    cheque_state = Text(allow_none=True)
    allocations = fields.List(fields.Nested(AllocationOut))
    unallocated = DecimalString()


class PaymentQuery(Schema):
    contact_id = Id(load_default=None)
    limit = LocalInteger(load_default=100, validate=validate.Range(min=1, max=500))
    offset = Offset()


class ChequeStateIn(Schema):
    state = Text(required=True, validate=validate.OneOf(("deposited", "cleared", "bounced")))


@blp.route("", methods=["POST"])
@blp.arguments(PaymentIn)
@blp.response(201, PaymentOut)
def create(body: dict[str, Any]) -> Any:
    """Record a receipt (or, ``direction: "out"``, a payment to a supplier) and allocate it
    to posted invoices of the contact."""
    body["allocations"] = [Allocation(**a) for a in body["allocations"]]
    payment_id = record_payment(new_uow(), NewPayment(**body), actor_id=actor_id())
    return get_payment(new_uow(), payment_id=payment_id, actor_id=actor_id())


@blp.route("", methods=["GET"])
@blp.arguments(PaymentQuery, location="query")
@blp.response(200, PaymentOut(many=True))
def index(query: dict[str, Any]) -> Any:
    """List payments newest first."""
    return list_payments(new_uow(), actor_id=actor_id(), **query)


@blp.route("/<int:payment_id>", methods=["GET"])
@blp.response(200, PaymentOut)
def show(payment_id: int) -> Any:
    """Return one payment."""
    return get_payment(new_uow(), payment_id=payment_id, actor_id=actor_id())


@blp.route("/<int:payment_id>/cheque-state", methods=["POST"])
@blp.arguments(ChequeStateIn)
@blp.response(200, PaymentOut)
def cheque_state(body: dict[str, Any], payment_id: int) -> Any:
    """Move a cheque on: deposited, cleared, or bounced (which reopens its invoices)."""
    set_cheque_state(new_uow(), payment_id=payment_id, state=body["state"], actor_id=actor_id())
    return get_payment(new_uow(), payment_id=payment_id, actor_id=actor_id())
