"""/api/v1/payment-terms: instalments and the early-payment discount (issue 14 §3, §4)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.payment_terms import Delay, LineValue, TaxMode
from engine.services.terms import create_term, delete_term, get_term, list_terms, update_term
from web.api.fields import DecimalString, Id, LocalInteger, Text
from web.context import actor_id, new_uow, require_token

blp = Blueprint(
    "payment_terms", __name__, url_prefix="/api/v1/payment-terms", description="Payment terms"
)
blp.before_request(require_token)


class TermLineIn(Schema):
    value = Text(required=True, validate=validate.OneOf([v.value for v in LineValue]))
    amount = DecimalString(allow_none=True)
    days = LocalInteger(validate=validate.Range(min=0))
    delay = Text(validate=validate.OneOf([d.value for d in Delay]))
    day = LocalInteger(allow_none=True, validate=validate.Range(min=1, max=31))


class EarlyDiscountIn(Schema):
    percent = DecimalString(required=True)
    days = LocalInteger(required=True, validate=validate.Range(min=0))
    tax_mode = Text(required=True, validate=validate.OneOf([m.value for m in TaxMode]))


class TermFields(Schema):
    name = Text(validate=validate.Length(min=1, max=120))
    lines = fields.List(fields.Nested(TermLineIn))
    early_discount = fields.Nested(EarlyDiscountIn, allow_none=True)


class TermIn(TermFields):
    name = Text(required=True, validate=validate.Length(min=1, max=120))
    lines = fields.List(fields.Nested(TermLineIn), required=True)


class TermPatch(TermFields):
    lock_version = LocalInteger(load_default=None)


class TermLineOut(Schema):
    value = Text()
    amount = Text(allow_none=True)
    days = LocalInteger()
    delay = Text()
    day = LocalInteger(allow_none=True)


class EarlyDiscountOut(Schema):
    percent = Text()
    days = LocalInteger()
    tax_mode = Text()


class TermOut(Schema):
    id = Id()
    name = Text()
    lines = fields.List(fields.Nested(TermLineOut))
    early_discount = fields.Nested(EarlyDiscountOut, allow_none=True)
    contacts = LocalInteger()
    documents = LocalInteger()
    lock_version = LocalInteger()


@blp.route("", methods=["GET"])
@blp.response(200, TermOut(many=True))
def index() -> Any:
    """List the payment terms by name, with how many contacts and documents use each."""
    return list_terms(new_uow())


@blp.route("", methods=["POST"])
@blp.arguments(TermIn)
@blp.response(201, TermOut)
def create(body: dict[str, Any]) -> Any:
    """Create a payment term (needs manage_types); the last line takes the balance."""
    return create_term(
        new_uow(),
        name=body["name"],
        lines=body["lines"],
        early_discount=body.get("early_discount"),
        actor_id=actor_id(),
    )


@blp.route("/<int:term_id>", methods=["GET"])
@blp.response(200, TermOut)
def show(term_id: int) -> Any:
    """Return one payment term."""
    return get_term(new_uow(), term_id=term_id)


@blp.route("/<int:term_id>", methods=["PATCH"])
@blp.arguments(TermPatch)
@blp.response(200, TermOut)
def patch(body: dict[str, Any], term_id: int) -> Any:
    """Change a term's name, lines or early discount (those sent; null removes the
    discount). Posted invoices keep their instalments. A stale lock_version is a 409."""
    lock_version = body.pop("lock_version", None)
    return update_term(
        new_uow(), term_id=term_id, changes=body, actor_id=actor_id(), lock_version=lock_version
    )


@blp.route("/<int:term_id>", methods=["DELETE"])
@blp.response(204)
def delete(term_id: int) -> None:
    """Delete a payment term no contact or document uses (409 while one does)."""
    delete_term(new_uow(), term_id=term_id, actor_id=actor_id())
