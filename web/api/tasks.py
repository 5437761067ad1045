"""/api/v1/tasks: the caller's cartable; claim, unclaim, assign, complete (C2)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.repositories.workflow import TaskQuery as CartableQuery
from engine.services.cartable import (
    BulkOutcome,
    assign_task,
    claim_task,
    complete_task,
    complete_tasks,
    get_task,
    search_cartable,
    task_credit,
    unclaim_task,
)
from web.api.fields import DecimalString, Id, LocalInteger, Offset, Text
from web.context import actor_id, new_uow, require_token
from web.errors import status_of

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Cartables")
blp.before_request(require_token)


class LabelsOut(Schema):
    fa = Text()
    ar = Text()
    en = Text()


class DecisionOut(Schema):
    id = Text(attribute="value")
    labels = fields.Nested(LabelsOut)
    comment_required = fields.Boolean(attribute="needs_comment")
    event = Text()


class FieldOut(Schema):
    name = Text()
    type = Text()
    required = fields.Boolean()
    labels = fields.Nested(LabelsOut)
    options = fields.List(Text())


class TaskOut(Schema):
    id = Id()
    cartable = Text()
    element_id = Text()
    name = Text()
    status = Text()
    document_id = Id(allow_none=True)
    document_type = Text()
    document_label = Text()
    contact_name = Text()
    amount = DecimalString(allow_none=True)
    assignee_id = Id(allow_none=True)
    claimed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    priority = LocalInteger()
    instance_id = Id()
    decisions = fields.List(
        fields.Nested(DecisionOut), metadata={"description": "what its diagram lets it decide"}
    )
    form_fields = fields.List(
        fields.Nested(FieldOut),
        attribute="fields",
        data_key="fields",
        metadata={"description": "the form fields deciding asks"},
    )
    bulk_decision = Text(allow_none=True)
    personal = fields.Boolean(
        metadata={"description": "the diagram named its assignee: only the assignee sees it"}
    )
    barred = fields.Boolean(
        metadata={"description": "four-eyes: the caller created its document, may not decide it"}
    )


# The API's sort names (``-`` first: descending) and the cartable's.
SORTS = {"created_at": "created", "due_at": "due", "priority": "priority", "amount": "amount"}


class TaskCreditOut(Schema):
    exposure = DecimalString(metadata={"description": "when the breach was found"})
    credit_limit = DecimalString(allow_none=True)
    contact_id = Id(allow_none=True)
    exposure_now = DecimalString(allow_none=True)
    available_credit = DecimalString(allow_none=True)
    ageing = fields.Dict(keys=Text(), values=DecimalString())
    unallocated_credit = DecimalString()


class TaskDetailOut(TaskOut):
    credit = fields.Nested(
        TaskCreditOut,
        allow_none=True,
        metadata={"description": "a credit approval's exposure, limit and ageing (issue 14 §5)"},
    )


class TaskQuery(Schema):
    cartable = Text(load_default=None, metadata={"description": "a lane of a deployed diagram"})
    type = Text(load_default=None, max_length=40, metadata={"description": "a document type"})
    contact_id = Id(load_default=None)
    contact = Text(load_default=None, max_length=200, metadata={"description": "part of a name"})
    amount_min = DecimalString(load_default=None)
    amount_max = DecimalString(load_default=None)
    overdue = fields.Boolean(load_default=False, metadata={"description": "only past due"})
    mine = fields.Boolean(load_default=False, metadata={"description": "only held by me"})
    sort = Text(
        load_default="created_at",
        validate=validate.OneOf([f"{d}{k}" for k in SORTS for d in ("", "-")]),
        metadata={"description": "created_at, due_at, priority or amount; -amount: descending"},
    )
    limit = LocalInteger(load_default=50, validate=validate.Range(min=1, max=500))
    offset = Offset()


class BulkIn(Schema):
    task_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=500))
    decision = Text(
        load_default=None, metadata={"description": "default: each step's bulk decision"}
    )
    comment = Text(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ErrorOut(Schema):
    code = LocalInteger()
    message = Text()
    errors = fields.Dict()


class BulkResultOut(Schema):
    task_id = Id()
    ok = fields.Boolean()
    document_id = Id(allow_none=True)
    document_state = Text(allow_none=True)
    error = fields.Nested(ErrorOut, allow_none=True)


class CompleteIn(Schema):
    decision = Text(required=True)
    comment = Text(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    form_fields = fields.Dict(
        data_key="fields",
        keys=Text(),
        values=fields.Raw(allow_none=True),
        load_default=dict,
        metadata={"description": "the step's form fields by name; decimals as strings"},
    )


class CompleteOut(Schema):
    task_id = Id()
    document_id = Id(allow_none=True)
    decision = Text()
    document_state = Text(allow_none=True)


class AssignIn(Schema):
    assignee_id = Id(required=True)


@blp.route("", methods=["GET"])
@blp.arguments(TaskQuery, location="query")
@blp.response(200, TaskOut(many=True), headers={"X-Total-Count": {"schema": {"type": "integer"}}})
def index(query: dict[str, Any]) -> Any:
    """Search the caller's cartables (their roles' lanes and what they hold), oldest first
    unless ``sort`` says otherwise; X-Total-Count is how many match."""
    sort = query["sort"]
    page = search_cartable(
        new_uow(),
        actor_id=actor_id(),
        query=CartableQuery(
            cartable=query["cartable"],
            document_type=query["type"],
            contact=query["contact"],
            contact_id=query["contact_id"],
            amount_min=query["amount_min"],
            amount_max=query["amount_max"],
            overdue=query["overdue"],
            mine=query["mine"],
            sort=SORTS[sort.lstrip("-")],
            descending=sort.startswith("-"),
            limit=query["limit"],
            offset=query["offset"],
        ),
    )
    return page.tasks, 200, {"X-Total-Count": str(page.total)}


@blp.route("/bulk-complete", methods=["POST"])
@blp.arguments(BulkIn)
@blp.response(200, BulkResultOut(many=True))
def bulk_complete(body: dict[str, Any]) -> Any:
    """Decide many tasks, each in its own transaction: one result per task, in order.

    Only steps whose diagram lets them be decided in bulk are; a task that cannot be
    decided says why (``error``: the status and message a single call would get).
    """
    outcomes = complete_tasks(new_uow(), actor_id=actor_id(), **body)
    return [_bulk_result(o) for o in outcomes]


def _bulk_result(outcome: BulkOutcome) -> dict[str, Any]:
    if outcome.done is not None:
        done = outcome.done
        return {
            "task_id": outcome.task_id,
            "ok": True,
            "document_id": done.document_id,
            "document_state": done.document_state,
            "error": None,
        }
    assert outcome.error is not None
    code = status_of(outcome.error)
    fields_ = getattr(outcome.error, "fields", None)
    error = {"code": code, "message": outcome.error.message, "errors": fields_ or {}}
    return {"task_id": outcome.task_id, "ok": False, "error": error}


@blp.route("/<int:task_id>", methods=["GET"])
@blp.response(200, TaskDetailOut)
def show(task_id: int) -> Any:
    """Return one task; a credit approval carries the customer's exposure and ageing."""
    task = get_task(new_uow(), task_id=task_id, actor_id=actor_id())
    credit = task_credit(new_uow(), task_id=task_id, actor_id=actor_id())
    return SimpleNamespace(**vars(task), credit=credit)


@blp.route("/<int:task_id>/claim", methods=["POST"])
@blp.response(200, TaskOut)
def claim(task_id: int) -> Any:
    """Take the task; 409 if a colleague holds it."""
    return claim_task(new_uow(), task_id=task_id, actor_id=actor_id())


@blp.route("/<int:task_id>/unclaim", methods=["POST"])
@blp.response(200, TaskOut)
def unclaim(task_id: int) -> Any:
    """Give the task back to its cartable."""
    return unclaim_task(new_uow(), task_id=task_id, actor_id=actor_id())


@blp.route("/<int:task_id>/assign", methods=["POST"])
@blp.arguments(AssignIn)
@blp.response(200, TaskOut)
def assign(body: dict[str, Any], task_id: int) -> Any:
    """Hand the task to a colleague who works the same cartable."""
    return assign_task(
        new_uow(), task_id=task_id, assignee_id=body["assignee_id"], actor_id=actor_id()
    )


@blp.route("/<int:task_id>/complete", methods=["POST"])
@blp.arguments(CompleteIn)
@blp.response(200, CompleteOut)
def complete(body: dict[str, Any], task_id: int) -> Any:
    """Decide one of the step's decisions, with a comment and its fields, and move on."""
    return complete_task(
        new_uow(),
        task_id=task_id,
        actor_id=actor_id(),
        decision=body["decision"],
        comment=body["comment"],
        fields=body["form_fields"],
    )
