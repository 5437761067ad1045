"""/api/v1/products: products with stock on hand and reserved."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.services.contacts import NewProduct, create_product, get_product, list_products
from web.api.fields import DecimalString, Id, LocalInteger, Offset, Text
from web.context import actor_id, new_uow, require_token

blp = Blueprint("products", __name__, url_prefix="/api/v1/products", description="Products")
blp.before_request(require_token)


class ProductIn(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    unit_price = DecimalString(required=True)
    code = Text(load_default=None, allow_none=True, validate=validate.Length(max=40))
    unit = Text(load_default="", validate=validate.Length(max=20))
    is_service = fields.Boolean(load_default=False)
    on_hand = DecimalString(load_default=None, allow_none=True)


class ProductOut(Schema):
    id = Id()
    code = Text(allow_none=True)
    name = Text()
    unit = Text()
    unit_price = DecimalString()
    is_service = fields.Boolean()
    on_hand = DecimalString()
    reserved = DecimalString()
    available = DecimalString()


class ProductQuery(Schema):
    q = Text(load_default=None)
    limit = LocalInteger(load_default=100, validate=validate.Range(min=1, max=500))
    offset = Offset()


@blp.route("", methods=["POST"])
@blp.arguments(ProductIn)
@blp.response(201, ProductOut)
def create(body: dict[str, Any]) -> Any:
    """Create a product, optionally with opening stock."""
    body["on_hand"] = body.get("on_hand") or 0
    product_id = create_product(new_uow(), NewProduct(**body), actor_id=actor_id())
    return get_product(new_uow(), product_id=product_id)


@blp.route("", methods=["GET"])
@blp.arguments(ProductQuery, location="query")
@blp.response(200, ProductOut(many=True))
def index(query: dict[str, Any]) -> Any:
    """List products with on-hand and reserved stock."""
    return list_products(new_uow(), **query)


@blp.route("/<int:product_id>", methods=["GET"])
@blp.response(200, ProductOut)
def show(product_id: int) -> Any:
    """Return one product with its stock."""
    return get_product(new_uow(), product_id=product_id)
