"""/api/v1/tasks: the caller's cartable; claim, unclaim, assign, complete (C2)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.services.cartable import (
    assign_task,
    claim_task,
    complete_task,
    get_task,
    list_cartable,
    task_credit,
    unclaim_task,
)
from web.api.fields import DecimalString, Id, LocalInteger, Offset, Text
from web.context import actor_id, new_uow, require_token

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
    overdue = fields.Boolean(load_default=False, metadata={"description": "only past due"})
    limit = LocalInteger(load_default=50, validate=validate.Range(min=1, max=500))
    offset = Offset()


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
@blp.response(200, TaskOut(many=True))
def index(query: dict[str, Any]) -> Any:
    """List open tasks of the caller's roles and those assigned to the caller, oldest first."""
    return list_cartable(new_uow(), actor_id=actor_id(), **query)


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
