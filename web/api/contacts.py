"""/api/v1/contacts: customers and suppliers with their balance (P1-P5, P7), editing
and customer groups (issue 14 §8)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.services.contacts import (
    KINDS,
    LANGUAGES,
    NewContact,
    create_contact,
    create_group,
    get_contact,
    list_contacts,
    list_groups,
    rename_group,
    update_contact,
)
from web.api.fields import (
    DecimalString,
    Id,
    LocalDate,
    LocalInteger,
    Offset,
    OptionalDecimalString,
    Text,
)
from web.context import actor_id, new_uow, require_token

blp = Blueprint("contacts", __name__, url_prefix="/api/v1/contacts", description="Contacts")
blp.before_request(require_token)
groups_blp = Blueprint(
    "customer_groups",
    __name__,
    url_prefix="/api/v1/customer-groups",
    description="Customer groups",
)
groups_blp.before_request(require_token)

# Optional text a client may clear with "" as well as null.
CLEARABLE = (
    "email",
    "mobile",
    "phone",
    "national_id",
    "customer_group",
    "invoice_address",
    "delivery_address",
)


class ContactFields(Schema):
    name = Text(validate=validate.Length(min=1, max=200))
    kind = Text(validate=validate.OneOf(KINDS))
    email = fields.Email(allow_none=True)
    mobile = Text(allow_none=True, validate=validate.Length(max=32))
    phone = Text(allow_none=True, validate=validate.Length(max=32))
    language = Text(validate=validate.OneOf(LANGUAGES))
    national_id = Text(allow_none=True, validate=validate.Length(max=20))
    customer_group = Text(allow_none=True, validate=validate.Length(max=120))
    payment_term_days = LocalInteger(allow_none=True, validate=validate.Range(min=0))
    payment_term_months = LocalInteger(allow_none=True, validate=validate.Range(min=0))
    payment_term_id = Id(allow_none=True)  # its invoices' default term (issue 14 §3)
    credit_limit = OptionalDecimalString(allow_none=True)  # null or "": unlimited (P4)
    owner_id = Id(allow_none=True)
    invoice_address = Text(allow_none=True)
    delivery_address = Text(allow_none=True)


class ContactIn(ContactFields):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    kind = Text(required=True, validate=validate.OneOf(KINDS))
    language = Text(load_default="fa", validate=validate.OneOf(LANGUAGES))
    opening_balance = DecimalString(load_default=None, allow_none=True)


class ContactPatch(ContactFields):
    customer_group_id = Id(allow_none=True)
    lock_version = LocalInteger(load_default=None)


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
    customer_group_id = Id(allow_none=True)
    customer_number = Text(allow_none=True)
    payment_term_days = LocalInteger(allow_none=True)
    payment_term_months = LocalInteger(allow_none=True)
    payment_term_id = Id(allow_none=True)
    credit_limit = DecimalString(allow_none=True)
    owner_id = Id(allow_none=True)
    invoice_address = Text(allow_none=True)
    delivery_address = Text(allow_none=True)
    lock_version = LocalInteger()
    balance = DecimalString(allow_none=True)
    exposure = DecimalString(allow_none=True)
    available_credit = DecimalString(allow_none=True)
    ledger = fields.List(fields.Nested(LedgerLineOut))


class ContactSummaryOut(ContactOut):
    class Meta:
        exclude = ("balance", "exposure", "available_credit", "ledger")


class ContactQuery(Schema):
    kind = Text(load_default=None, validate=validate.OneOf(KINDS))
    q = Text(load_default=None)
    group_id = Id(load_default=None)
    limit = LocalInteger(load_default=100, validate=validate.Range(min=1, max=500))
    offset = Offset()


class GroupIn(Schema):
    name = Text(required=True)


class GroupOut(Schema):
    id = Id()
    name = Text()
    contacts = LocalInteger()


def _cleared(body: dict[str, Any]) -> dict[str, Any]:
    """Return the body with "" in optional text fields read as null."""
    return {k: (None if k in CLEARABLE and v == "" else v) for k, v in body.items()}


@blp.route("", methods=["POST"])
@blp.arguments(ContactIn)
@blp.response(201, ContactOut)
def create(body: dict[str, Any]) -> Any:
    """Create a contact; an opening balance becomes a ledger entry (P5)."""
    body = _cleared(body)
    body["opening_balance"] = body.get("opening_balance") or 0
    contact_id = create_contact(new_uow(), NewContact(**body), actor_id=actor_id())
    return get_contact(new_uow(), contact_id=contact_id, actor_id=actor_id())


@blp.route("", methods=["GET"])
@blp.arguments(ContactQuery, location="query")
@blp.response(200, ContactSummaryOut(many=True))
def index(query: dict[str, Any]) -> Any:
    """List contacts by name, optionally of a kind or customer group."""
    return list_contacts(new_uow(), **query)


@blp.route("/<int:contact_id>", methods=["GET"])
@blp.response(200, ContactOut)
def show(contact_id: int) -> Any:
    """Return a contact with its balance (positive: they owe us) and ledger (P6)."""
    return get_contact(new_uow(), contact_id=contact_id, actor_id=actor_id(), with_ledger=True)


@blp.route("/<int:contact_id>", methods=["PATCH"])
@blp.arguments(ContactPatch)
@blp.response(200, ContactSummaryOut)
def patch(body: dict[str, Any], contact_id: int) -> Any:
    """Change some of a contact's fields (needs manage_contacts); audited.

    ``credit_limit`` null or "" is unlimited credit; ``customer_group_id`` null takes
    the contact out of its group. A stale ``lock_version`` is a 409.
    """
    body = _cleared(body)
    lock_version = body.pop("lock_version", None)
    return update_contact(
        new_uow(),
        contact_id=contact_id,
        changes=body,
        actor_id=actor_id(),
        lock_version=lock_version,
    )


@groups_blp.route("", methods=["GET"])
@groups_blp.response(200, GroupOut(many=True))
def groups_index() -> Any:
    """List the customer groups by name with how many contacts each holds (P3)."""
    return list_groups(new_uow())


@groups_blp.route("", methods=["POST"])
@groups_blp.arguments(GroupIn)
@groups_blp.response(201, GroupOut)
def groups_create(body: dict[str, Any]) -> Any:
    """Create a customer group (needs manage_contacts)."""
    return create_group(new_uow(), name=body["name"], actor_id=actor_id())


@groups_blp.route("/<int:group_id>", methods=["PATCH"])
@groups_blp.arguments(GroupIn)
@groups_blp.response(200, GroupOut)
def groups_rename(body: dict[str, Any], group_id: int) -> Any:
    """Rename a customer group (needs manage_contacts)."""
    return rename_group(new_uow(), group_id=group_id, name=body["name"], actor_id=actor_id())
