"""/api/v1/contacts: customers and suppliers with their balance (P1-P5, P7)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.services.contacts import (
    KINDS,
    LANGUAGES,
    NewContact,
    create_contact,
    get_contact,
    list_contacts,
)
from web.api.fields import DecimalString, Id, LocalDate, LocalInteger, Offset, Text
from web.context import actor_id, new_uow, require_token

blp = Blueprint("contacts", __name__, url_prefix="/api/v1/contacts", description="Contacts")
blp.before_request(require_token)


class ContactIn(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    kind = Text(required=True, validate=validate.OneOf(KINDS))
    email = fields.Email(load_default=None, allow_none=True)
    mobile = Text(load_default=None, allow_none=True, validate=validate.Length(max=32))
    phone = Text(load_default=None, allow_none=True, validate=validate.Length(max=32))
    language = Text(load_default="fa", validate=validate.OneOf(LANGUAGES))
    national_id = Text(load_default=None, allow_none=True, validate=validate.Length(max=20))
    customer_group = Text(load_default=None, allow_none=True)
    payment_term_days = LocalInteger(
        load_default=None, allow_none=True, validate=validate.Range(min=0)
    )
    payment_term_months = LocalInteger(
        load_default=None, allow_none=True, validate=validate.Range(min=0)
    )
    credit_limit = DecimalString(load_default=None, allow_none=True)
    opening_balance = DecimalString(load_default=None, allow_none=True)
    owner_id = Id(load_default=None, allow_none=True)
    invoice_address = Text(load_default=None, allow_none=True)
    delivery_address = Text(load_default=None, allow_none=True)


class LedgerLineOut(Schema):
    id = Id()
    date = LocalDate()
    kind = Text()
    document_id = Id(allow_none=True)
    payment_id = Id(allow_none=True)
    debit = DecimalString()
    credit = DecimalString()
    memo = Text()


class ContactOut(Schema):
    id = Id()
    name = Text()
    kind = Text()
    email = Text(allow_none=True)
    mobile = Text(allow_none=True)
    phone = Text(allow_none=True)
    language = Text()
    customer_group = Text(allow_none=True)
    customer_number = Text(allow_none=True)
    payment_term_days = LocalInteger(allow_none=True)
    payment_term_months = LocalInteger(allow_none=True)
    credit_limit = DecimalString(allow_none=True)
    owner_id = Id(allow_none=True)
    invoice_address = Text(allow_none=True)
    delivery_address = Text(allow_none=True)
    balance = DecimalString(allow_none=True)
    ledger = fields.List(fields.Nested(LedgerLineOut))


class ContactSummaryOut(ContactOut):
    class Meta:
        exclude = ("balance", "ledger")


class ContactQuery(Schema):
    kind = Text(load_default=None, validate=validate.OneOf(KINDS))
    q = Text(load_default=None)
    limit = LocalInteger(load_default=100, validate=validate.Range(min=1, max=500))
    offset = Offset()


@blp.route("", methods=["POST"])
@blp.arguments(ContactIn)
@blp.response(201, ContactOut)
def create(body: dict[str, Any]) -> Any:
    """Create a contact; an opening balance becomes a ledger entry (P5)."""
    body["opening_balance"] = body.get("opening_balance") or 0
    contact_id = create_contact(new_uow(), NewContact(**body), actor_id=actor_id())
    return get_contact(new_uow(), contact_id=contact_id, actor_id=actor_id())


@blp.route("", methods=["GET"])
@blp.arguments(ContactQuery, location="query")
@blp.response(200, ContactSummaryOut(many=True))
def index(query: dict[str, Any]) -> Any:
    """List contacts by name."""
    return list_contacts(new_uow(), **query)


@blp.route("/<int:contact_id>", methods=["GET"])
@blp.response(200, ContactOut)
def show(contact_id: int) -> Any:
    """Return a contact with its balance (positive: they owe us) and ledger (P6)."""
    return get_contact(new_uow(), contact_id=contact_id, actor_id=actor_id(), with_ledger=True)
