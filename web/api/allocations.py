"""/api/v1/allocations: apply a contact's unallocated credit to an open invoice, or undo
it (issue 14 §2)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.services.accounts import NewAllocation, allocate_credit, undo_allocation
from web.api.fields import DecimalString, Id
from web.context import actor_id, new_uow, require_token

blp = Blueprint(
    "allocations", __name__, url_prefix="/api/v1/allocations", description="Allocations"
)
blp.before_request(require_token)


class CreditSourceIn(Schema):
    payment_id = Id(load_default=None)
    document_id = Id(load_default=None)


class AllocationNew(Schema):
    source = fields.Nested(CreditSourceIn, required=True)
    document_id = Id(required=True)
    amount = DecimalString(required=True)


class AllocationMade(Schema):
    id = Id()


@blp.route("", methods=["POST"])
@blp.arguments(AllocationNew)
@blp.response(201, AllocationMade)
def create(body: dict[str, Any]) -> Any:
    """Apply a payment's or a posted return's credit to an open invoice of its contact."""
    source = body["source"]
    allocation_id = allocate_credit(
        new_uow(),
        NewAllocation(
            document_id=body["document_id"],
            amount=body["amount"],
            payment_id=source["payment_id"],
            source_document_id=source["document_id"],
        ),
        actor_id=actor_id(),
    )
    return {"id": allocation_id}


@blp.route("/<int:allocation_id>", methods=["DELETE"])
@blp.response(204)
def delete(allocation_id: int) -> None:
    """Undo an allocation: the credit is unallocated again, the invoice open again."""
    undo_allocation(new_uow(), allocation_id=allocation_id, actor_id=actor_id())
