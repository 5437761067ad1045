"""/api/v1/process-instances and /api/v1/processes: run state (E4) and deployment (C3)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.domain.errors import ValidationFailed
from engine.services.document_views import get_instance
from engine.services.processes import deploy_process
from web.api.fields import Id, LocalInteger, Text
from web.context import actor_id, new_uow, require_token

blp = Blueprint("processes", __name__, url_prefix="/api/v1", description="Processes")
blp.before_request(require_token)


class InstanceOut(Schema):
    id = Id()
    process_id = Text()
    version = LocalInteger()
    state = Text(attribute="status", metadata={"description": "running, completed or cancelled"})
    document_id = Id(allow_none=True)
    current_element_ids = fields.List(Text())
    path = fields.List(Text())
    open_tasks = fields.List(fields.Dict())
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class VersionOut(Schema):
    id = Id()
    process_id = Text()
    version = LocalInteger()
    checksum = Text()
    created = fields.Boolean()


@blp.route("/process-instances/<int:instance_id>", methods=["GET"])
@blp.response(200, InstanceOut)
def instance(instance_id: int) -> Any:
    """Return an instance's state, current BPMN element ids and the path taken."""
    return get_instance(new_uow(), instance_id=instance_id)


@blp.route("/processes/<process_id>/versions", methods=["POST"])
@blp.response(201, VersionOut)
def deploy(process_id: str) -> Any:
    """Deploy a new version from the raw BPMN XML body (needs design_processes)."""
    xml = request.get_data(cache=False)
    if not xml:
        raise ValidationFailed.single("bpmn", "send the BPMN XML as the request body")
    return deploy_process(
        new_uow(), process_id=process_id, files={f"{process_id}.bpmn": xml}, actor_id=actor_id()
    )
