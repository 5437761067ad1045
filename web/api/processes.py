"""/api/v1/process-instances and /api/v1/processes: run state (E4) and deployment (C3)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.errors import ValidationFailed
from engine.services.documents import view_instance
from engine.services.processes import (
    STATUSES,
    deploy_process,
    list_instances,
    list_processes,
    list_versions,
    retry_instance,
)
from engine.workflow.limits import DiagramLimits
from web.api.fields import Id, LocalInteger, Offset, Text
from web.context import actor_id, cartable, new_uow, require_token

blp = Blueprint("processes", __name__, url_prefix="/api/v1", description="Processes")
blp.before_request(require_token)


class IncidentOut(Schema):
    error = Text(metadata={"description": "what the failed background step raised"})
    at = fields.DateTime(metadata={"description": "when it failed (UTC)"})
    element_id = Text(allow_none=True, metadata={"description": "the BPMN element, if known"})


STATE_HELP = "running, completed, cancelled or incident (a background step failed)"
INCIDENT_HELP = "the open incident (issue 11 §3), null unless the state is incident"


class InstanceOut(Schema):
    id = Id()
    process_id = Text()
    version = LocalInteger()
    state = Text(attribute="status", metadata={"description": STATE_HELP})
    document_id = Id(allow_none=True)
    current_element_ids = fields.List(Text())
    path = fields.List(Text())
    open_tasks = fields.List(fields.Dict())
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    incident = fields.Nested(IncidentOut, allow_none=True, metadata={"description": INCIDENT_HELP})


class InstanceRowOut(Schema):
    id = Id()
    process_id = Text()
    state = Text(attribute="status", metadata={"description": STATE_HELP})
    document_id = Id(allow_none=True)
    updated_at = fields.DateTime()
    incident = fields.Nested(IncidentOut, allow_none=True, metadata={"description": INCIDENT_HELP})


class InstanceQuery(Schema):
    status = Text(required=True, validate=validate.OneOf(STATUSES))
    limit = LocalInteger(load_default=50, validate=validate.Range(min=1, max=500))
    offset = Offset()


class VersionOut(Schema):
    id = Id()
    process_id = Text()
    version = LocalInteger()
    checksum = Text()
    created = fields.Boolean()
    current = fields.Boolean(
        metadata={"description": "new instances start this version (issue 10 #6)"}
    )


class VersionListOut(Schema):
    id = Id()
    process_id = Text()
    version = LocalInteger()
    checksum = Text()
    current = fields.Boolean()
    deployed_at = fields.DateTime()
    deployed_by = LocalInteger(allow_none=True)
    comment = Text()


class ProcessOut(Schema):
    process_id = Text()
    current_version_id = Id()
    current_version = LocalInteger()
    newest_version = LocalInteger()


@blp.route("/process-instances/<int:instance_id>", methods=["GET"])
@blp.response(200, InstanceOut)
def instance(instance_id: int) -> Any:
    """Return an instance's state, current BPMN element ids and the path taken.

    An instance of a document the caller may not see is a 404 (T3.11).
    """
    return view_instance(new_uow(), instance_id=instance_id, actor_id=actor_id())


@blp.route("/process-instances", methods=["GET"])
@blp.arguments(InstanceQuery, location="query")
@blp.response(200, InstanceRowOut(many=True))
def instances(query: dict[str, Any]) -> Any:
    """List the instances in a state, least recently changed first: ``status=incident``
    lists the open incidents (needs design_processes; only instances the caller may see).
    """
    return list_instances(new_uow(), actor_id=actor_id(), **query)


@blp.route("/process-instances/<int:instance_id>/retry", methods=["POST"])
@blp.response(200, InstanceOut)
def retry(instance_id: int) -> Any:
    """Run an incident's failed step again (needs design_processes).

    Success answers the instance, running on; failure answers 409 with the new error,
    which the incident keeps. An instance that is not an incident is a 409 too.
    """
    return retry_instance(new_uow(), instance_id=instance_id, actor_id=actor_id())


@blp.route("/processes", methods=["GET"])
@blp.response(200, ProcessOut(many=True))
def processes() -> Any:
    """List deployed processes with the version new instances start (needs design_processes)."""
    return list_processes(new_uow(), actor_id=actor_id())


@blp.route("/processes/<process_id>/versions", methods=["GET"])
@blp.response(200, VersionListOut(many=True))
def versions(process_id: str) -> Any:
    """List a process's versions, newest first; ``current`` marks the one new instances start."""
    return list_versions(new_uow(), process_id=process_id, actor_id=actor_id())


@blp.route("/processes/<process_id>/versions", methods=["POST"])
@blp.response(201, VersionOut)
def deploy(process_id: str) -> Any:
    """Deploy a version from the raw BPMN XML body and make it current (needs design_processes).

    The same diagram as a stored version answers ``created: false`` with that version and
    makes it current again (a rollback). A diagram over CARTABLE_MAX_DIAGRAM_BYTES or
    CARTABLE_MAX_DIAGRAM_ELEMENTS is refused (422 on ``bpmn``); a body over
    CARTABLE_MAX_REQUEST_BYTES answers 413.
    """
    xml = request.get_data(cache=False)
    if not xml:
        raise ValidationFailed.single("bpmn", "send the BPMN XML as the request body")
    settings = cartable().settings
    return deploy_process(
        new_uow(),
        process_id=process_id,
        files={f"{process_id}.bpmn": xml},
        actor_id=actor_id(),
        limits=DiagramLimits(settings.max_diagram_bytes, settings.max_diagram_elements),
    )
