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
from web.api.fields import DecimalString, LocalDate, LocalInteger
from web.context import actor_id, new_uow, require_token

blp = Blueprint("contacts", __name__, url_prefix="/api/v1/contacts", description="Contacts")
blp.before_request(require_token)


class ContactIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    email = fields.Email(load_default=None, allow_none=True)
    mobile = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    language = fields.String(load_default="fa", validate=validate.OneOf(LANGUAGES))
    national_id = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=20)
    )
    customer_group = fields.String(load_default=None, allow_none=True)
    payment_term_days = LocalInteger(
        load_default=None, allow_none=True, validate=validate.Range(min=0)
    )
    payment_term_months = LocalInteger(
        load_default=None, allow_none=True, validate=validate.Range(min=0)
    )
    credit_limit = DecimalString(load_default=None, allow_none=True)
    opening_balance = DecimalString(load_default=None, allow_none=True)
    owner_id = fields.Integer(load_default=None, allow_none=True)
    invoice_address = fields.String(load_default=None, allow_none=True)
    delivery_address = fields.String(load_default=None, allow_none=True)


class LedgerLineOut(Schema):
    id = fields.Integer()
    date = LocalDate()
    kind = fields.String()
    document_id = fields.Integer(allow_none=True)
    payment_id = fields.Integer(allow_none=True)
    debit = DecimalString()
    credit = DecimalString()
    memo = fields.String()


class ContactOut(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    email = fields.String(allow_none=True)
    mobile = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    language = fields.String()
    customer_group = fields.String(allow_none=True)
    customer_number = fields.String(allow_none=True)
    payment_term_days = fields.Integer(allow_none=True)
    payment_term_months = fields.Integer(allow_none=True)
    credit_limit = DecimalString(allow_none=True)
    owner_id = fields.Integer(allow_none=True)
    invoice_address = fields.String(allow_none=True)
    delivery_address = fields.String(allow_none=True)
    balance = DecimalString(allow_none=True)
    ledger = fields.List(fields.Nested(LedgerLineOut))


class ContactSummaryOut(ContactOut):
    class Meta:
        exclude = ("balance", "ledger")


class ContactQuery(Schema):
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    q = fields.String(load_default=None)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


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
