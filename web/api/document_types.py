"""/api/v1/document-types: the six types and their settings (T2, T3)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.services.documents import (
    CREDIT_BREACHES,
    PREVIEWS,
    SORTS,
    get_type,
    list_types,
    update_type,
)
from web.api.fields import DecimalString, LocalInteger, Text
from web.context import actor_id, new_uow, require_token

blp = Blueprint(
    "document_types",
    __name__,
    url_prefix="/api/v1/document-types",
    description="Document types and their settings",
)
blp.before_request(require_token)


class TypeFields(Schema):
    code = Text()
    name = Text()
    description = Text()
    position = LocalInteger()
    sort_by = Text(validate=validate.OneOf(SORTS))
    is_active = fields.Boolean()
    default_contact_kind = Text(allow_none=True)
    process_id = Text()
    numbering_pattern = Text()
    requires_approval = fields.Boolean()
    requires_numbering = fields.Boolean()
    tax_percent = DecimalString()
    levy_percent = DecimalString()
    quantity_decimals = LocalInteger()
    allow_duplicate_products = fields.Boolean()
    totals_editable = fields.Boolean()
    whole_numbers = fields.Boolean()
    editable_hours = LocalInteger(allow_none=True)
    deletable_hours = LocalInteger(allow_none=True)
    restrict_edit_to_workflow = fields.Boolean()
    restrict_view = fields.Boolean()
    assign_customer_number = fields.Boolean()
    reapprove_after_edit = fields.Boolean()
    preview_format = Text(validate=validate.OneOf(PREVIEWS))
    # A sale past the contact's credit limit: refused (422) or sent to credit approval.
    credit_breach = Text(validate=validate.OneOf(CREDIT_BREACHES))
    # A total above it goes to the diagram's finance approval; null: never (issue 12 §5).
    finance_approval_above = DecimalString(allow_none=True)


class TypePatch(TypeFields):
    lock_version = LocalInteger(load_default=None)


class TypeOut(TypeFields):
    kind = Text()
    contact_effect = Text()
    stock_effect = Text()
    source_kind = Text(allow_none=True)
    lock_version = LocalInteger()


@blp.route("", methods=["GET"])
@blp.response(200, TypeOut(many=True))
def index() -> Any:
    """List the document types in display order."""
    return list_types(new_uow())


@blp.route("/<code>", methods=["GET"])
@blp.response(200, TypeOut)
def show(code: str) -> Any:
    """Return one type's settings."""
    return get_type(new_uow(), code=code)


@blp.route("/<code>", methods=["PATCH"])
@blp.arguments(TypePatch)
@blp.response(200, TypeOut)
def patch(body: dict[str, Any], code: str) -> Any:
    """Change some of a type's settings (needs manage_types)."""
    lock_version = body.pop("lock_version", None)
    return update_type(
        new_uow(), code=code, changes=body, actor_id=actor_id(), lock_version=lock_version
    )
