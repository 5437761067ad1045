"""/api/v1/documents: create, edit, submit, confirm, deliver, cancel, history (I2-I10)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.domain.pricing import Overrides
from engine.domain.steps import StepAction
from engine.services.documents import (
    STATES,
    AdditionCommand,
    Content,
    ContentPatch,
    DocumentEdit,
    LineCommand,
    NewDocument,
    advance_document,
    cancel_document,
    create_document,
    delete_document,
    document_history,
    get_document,
    list_documents,
    submit_document,
    update_document,
)
from web.api.fields import DecimalString, Id, LocalDate, LocalInteger, Offset, Text
from web.context import actor_id, new_uow, require_token

blp = Blueprint("documents", __name__, url_prefix="/api/v1/documents", description="Documents")
blp.before_request(require_token)


class LineIn(Schema):
    """A line: a product, or on a return the invoice line it returns (issue 14 §1)."""

    product_id = Id(load_default=None)
    source_line_id = Id(load_default=None)
    quantity = DecimalString(required=True)
    unit_price = DecimalString(load_default=None, allow_none=True)
    discount_percent = DecimalString(load_default=None, allow_none=True)
    discount_amount = DecimalString(load_default=None, allow_none=True)
    description = Text(load_default="", validate=validate.Length(max=400))

    @validates_schema
    def _names_what_it_returns(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("product_id") is None and data.get("source_line_id") is None:
            raise ValidationError("give product_id or, on a return, source_line_id", "product_id")


class AdditionIn(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=120))
    kind = Text(required=True, validate=validate.OneOf(("fixed", "percent")))
    value = DecimalString(required=True)
    basis = Text(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(("final", "before_discount", "before_tax")),
    )
    taxable = fields.Boolean(load_default=False)
    leviable = fields.Boolean(load_default=False)


class OverridesIn(Schema):
    discount = DecimalString(load_default=None, allow_none=True)
    tax = DecimalString(load_default=None, allow_none=True)
    levy = DecimalString(load_default=None, allow_none=True)


class DocumentIn(Schema):
    type = Text(required=True)
    contact_id = Id(required=True)
    lines = fields.List(fields.Nested(LineIn), required=True)
    additions = fields.List(fields.Nested(AdditionIn), load_default=list)
    overrides = fields.Nested(OverridesIn, load_default=None, allow_none=True)
    issue_date = LocalDate(load_default=None, allow_none=True)
    due_date = LocalDate(load_default=None, allow_none=True)
    payment_term_id = Id(load_default=None, allow_none=True)  # None: the contact's
    source_id = Id(load_default=None, allow_none=True)
    notes = Text(load_default="")


class DocumentPatch(Schema):
    contact_id = Id()
    lines = fields.List(fields.Nested(LineIn))
    additions = fields.List(fields.Nested(AdditionIn))
    overrides = fields.Nested(OverridesIn, allow_none=True)
    issue_date = LocalDate()
    due_date = LocalDate(allow_none=True)
    payment_term_id = Id(allow_none=True)  # null: no term
    notes = Text()
    lock_version = LocalInteger(load_default=None)


class TotalsOut(Schema):
    subtotal = DecimalString()
    discount = DecimalString()
    additions = DecimalString()
    tax = DecimalString()
    levy = DecimalString()
    total = DecimalString()


class LineOut(Schema):
    id = Id()
    product_id = Id()
    description = Text()
    quantity = DecimalString()
    unit_price = DecimalString()
    discount_percent = DecimalString()
    discount_amount = DecimalString()
    gross = DecimalString()
    discount = DecimalString()
    net = DecimalString()
    source_line_id = Id(allow_none=True)


class AdditionOut(Schema):
    name = Text()
    kind = Text()
    basis = Text(allow_none=True)
    value = DecimalString()
    taxable = fields.Boolean()
    leviable = fields.Boolean()
    amount = DecimalString()


class OpenTaskOut(Schema):
    id = Id()
    element_id = Text()
    cartable = Text()
    assignee_id = Id(allow_none=True)


class InstallmentOut(Schema):
    due_date = LocalDate()
    amount = DecimalString()
    open_amount = DecimalString()


class DocumentOut(Schema):
    id = Id()
    type = Text()
    type_name = Text()
    state = Text()
    number = Text(allow_none=True)
    contact_id = Id()
    contact_name = Text()
    issue_date = LocalDate()
    due_date = LocalDate(allow_none=True)
    source_id = Id(allow_none=True)
    currency = Text()
    notes = Text()
    lines = fields.List(fields.Nested(LineOut))
    additions = fields.List(fields.Nested(AdditionOut))
    totals = fields.Nested(TotalsOut)
    overrides = fields.Nested(OverridesIn)
    paid = DecimalString()
    open_amount = DecimalString()
    overdue = fields.Boolean()
    created_by = LocalInteger()
    created_at = fields.DateTime()
    posted_at = fields.DateTime(allow_none=True)
    lock_version = LocalInteger()
    process_instance_id = Id(allow_none=True)
    open_tasks = fields.List(fields.Nested(OpenTaskOut))
    payment_term_id = Id(allow_none=True)
    installments = fields.List(fields.Nested(InstallmentOut))
    discount_date = LocalDate(allow_none=True)
    early_discount = DecimalString(allow_none=True)
    amount_due_after_discount = DecimalString(allow_none=True)


class DocumentSummaryOut(DocumentOut):
    class Meta:
        exclude = ("open_tasks", "lines", "additions")


class EventOut(Schema):
    id = Id()
    at = fields.DateTime()
    actor_id = Id(allow_none=True)
    action = Text()
    comment = Text(allow_none=True)
    details = fields.Dict()


class DocumentQuery(Schema):
    type = Text(load_default=None)
    state = Text(load_default=None, validate=validate.OneOf(STATES))
    contact_id = Id(load_default=None)
    overdue = fields.Boolean(load_default=False)
    q = Text(load_default=None)
    limit = LocalInteger(load_default=50, validate=validate.Range(min=1, max=500))
    offset = Offset()


class CancelIn(Schema):
    reason = Text(load_default="", validate=validate.Length(max=400))


def _lines(body: dict[str, Any]) -> list[LineCommand]:
    return [
        LineCommand(
            product_id=line["product_id"] or 0,  # 0: taken from the return's invoice line
            quantity=line["quantity"],
            unit_price=line.get("unit_price"),
            discount_percent=line.get("discount_percent") or 0,
            discount_amount=line.get("discount_amount") or 0,
            description=line.get("description", ""),
            source_line_id=line.get("source_line_id"),
        )
        for line in body.get("lines", [])
    ]


def _additions(body: dict[str, Any]) -> list[AdditionCommand]:
    return [AdditionCommand(**a) for a in body.get("additions") or []]


def _overrides(body: dict[str, Any]) -> Overrides:
    overrides = body.get("overrides") or {}
    return Overrides(**{k: v for k, v in overrides.items() if v is not None})


def _content(body: dict[str, Any]) -> Content:
    return Content(lines=_lines(body), additions=_additions(body), overrides=_overrides(body))


def _content_patch(body: dict[str, Any]) -> ContentPatch:
    """Only the parts sent; each replaces its part, the others stay (issue 11 §1)."""
    return ContentPatch(
        lines=_lines(body) if "lines" in body else None,
        additions=_additions(body) if "additions" in body else None,
        overrides=_overrides(body) if "overrides" in body else None,
    )


def _view(document_id: int) -> Any:
    return get_document(new_uow(), document_id=document_id, actor_id=actor_id())


@blp.route("", methods=["POST"])
@blp.arguments(DocumentIn)
@blp.response(201, DocumentOut)
def create(body: dict[str, Any]) -> Any:
    """Create a draft document (no accounting effect until posted, I3)."""
    cmd = NewDocument(
        type_code=body["type"],
        contact_id=body["contact_id"],
        content=_content(body),
        issue_date=body.get("issue_date"),
        due_date=body.get("due_date"),
        source_id=body.get("source_id"),
        notes=body.get("notes", ""),
        payment_term_id=body.get("payment_term_id"),
    )
    return _view(create_document(new_uow(), cmd, actor_id=actor_id()))


@blp.route("", methods=["GET"])
@blp.arguments(DocumentQuery, location="query")
@blp.response(200, DocumentSummaryOut(many=True))
def index(query: dict[str, Any]) -> Any:
    """List documents newest first; ``overdue=true`` keeps open, past-due ones (F3)."""
    query["type_code"] = query.pop("type")
    return list_documents(new_uow(), actor_id=actor_id(), **query)


@blp.route("/<int:document_id>", methods=["GET"])
@blp.response(200, DocumentOut)
def show(document_id: int) -> Any:
    """Return one document with its totals, state and number."""
    return _view(document_id)


@blp.route("/<int:document_id>", methods=["PATCH"])
@blp.arguments(DocumentPatch)
@blp.response(200, DocumentOut)
def patch(body: dict[str, Any], document_id: int) -> Any:
    """Edit a document within its type's rules; send lock_version to detect races (409).

    The edit is partial: lines, additions and overrides each replace only their own
    part, and a field not sent stays as it is.
    """
    edit = DocumentEdit(
        content_patch=_content_patch(body),
        contact_id=body.get("contact_id"),
        issue_date=body.get("issue_date"),
        due_date=body.get("due_date"),
        notes=body.get("notes"),
        lock_version=body.get("lock_version"),
        payment_term_id=body.get("payment_term_id"),
        change_payment_term="payment_term_id" in body,
    )
    update_document(new_uow(), document_id=document_id, edit=edit, actor_id=actor_id())
    return _view(document_id)


@blp.route("/<int:document_id>", methods=["DELETE"])
@blp.response(204)
def delete(document_id: int) -> None:
    """Delete an unnumbered draft (T3.9)."""
    delete_document(new_uow(), document_id=document_id, actor_id=actor_id())


@blp.route("/<int:document_id>/submit", methods=["POST"])
@blp.response(200, DocumentOut)
def submit(document_id: int) -> Any:
    """Send a draft into its process: approval, numbering, or straight to posted."""
    submit_document(new_uow(), document_id=document_id, actor_id=actor_id())
    return _view(document_id)


@blp.route("/<int:document_id>/confirm", methods=["POST"])
@blp.response(200, DocumentOut)
def confirm(document_id: int) -> Any:
    """Confirm a quote: it becomes a sales order (Q3)."""
    advance_document(
        new_uow(), document_id=document_id, action=StepAction.CONFIRM, actor_id=actor_id()
    )
    return _view(document_id)


@blp.route("/<int:document_id>/deliver", methods=["POST"])
@blp.response(200, DocumentOut)
def deliver(document_id: int) -> Any:
    """Record an order's delivery; its draft invoice is created and sent to approval (I4)."""
    advance_document(
        new_uow(), document_id=document_id, action=StepAction.DELIVER, actor_id=actor_id()
    )
    return _view(document_id)


@blp.route("/<int:document_id>/cancel", methods=["POST"])
@blp.arguments(CancelIn)
@blp.response(200, DocumentOut)
def cancel(body: dict[str, Any], document_id: int) -> Any:
    """Cancel; a posted document gets reversing entries (I10)."""
    cancel_document(new_uow(), document_id=document_id, actor_id=actor_id(), reason=body["reason"])
    return _view(document_id)


@blp.route("/<int:document_id>/history", methods=["GET"])
@blp.response(200, EventOut(many=True))
def history(document_id: int) -> Any:
    """Return every change, decision and payment, oldest first (I8)."""
    return document_history(new_uow(), document_id=document_id, actor_id=actor_id())
