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
    InstanceFilter,
    deploy_process,
    list_processes,
    list_versions,
    retry_instance,
    search_instances,
)
from engine.workflow.limits import DiagramLimits
from web.api.fields import Id, LocalDate, LocalInteger, Offset, Text
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
    version = LocalInteger()
    state = Text(attribute="status", metadata={"description": STATE_HELP})
    document_id = Id(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    incident = fields.Nested(IncidentOut, allow_none=True, metadata={"description": INCIDENT_HELP})


class InstanceQuery(Schema):
    process_id = Text(load_default=None, max_length=100)
    version = LocalInteger(load_default=None, minimum=1, maximum=1_000_000)
    status = Text(load_default=None, validate=validate.OneOf(STATUSES))
    incident = fields.Boolean(
        load_default=None, metadata={"description": "true: only open incidents; false: none"}
    )
    document_id = Id(load_default=None)
    started_from = LocalDate(load_default=None, metadata={"description": "business day, included"})
    started_to = LocalDate(load_default=None, metadata={"description": "business day, included"})
    limit = LocalInteger(load_default=50, validate=validate.Range(min=1, max=500))
    offset = Offset()


class DeployQuery(Schema):
    comment = Text(load_default="", max_length=500, metadata={"description": "why this version"})


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
    running = LocalInteger(metadata={"description": "instances running on this version"})
    incidents = LocalInteger(metadata={"description": "instances stopped on an incident"})
    finished = LocalInteger(metadata={"description": "instances completed or cancelled"})


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
@blp.response(200, InstanceRowOut(many=True), headers={"X-Total-Count": {"type": "integer"}})
def instances(query: dict[str, Any]) -> Any:
    """List instances, newest first, filtered by process, version, state, incident,
    document and start day; paged by ``limit`` and ``offset`` (needs design_processes;
    only instances the caller may see). ``X-Total-Count`` counts every match.
    """
    page = search_instances(new_uow(), actor_id=actor_id(), query=InstanceFilter(**query))
    return page.rows, {"X-Total-Count": str(page.total)}


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
@blp.arguments(DeployQuery, location="query")
@blp.response(201, VersionOut)
def deploy(query: dict[str, Any], process_id: str) -> Any:
    """Deploy a version from the raw BPMN XML body and make it current (needs design_processes).

    The same diagram as a stored version answers ``created: false`` with that version and
    makes it current again (a rollback). A diagram over CARTABLE_MAX_DIAGRAM_BYTES or
    CARTABLE_MAX_DIAGRAM_ELEMENTS is refused (422 on ``bpmn``); a body over
    CARTABLE_MAX_REQUEST_BYTES answers 413. ``?comment=`` says why (kept on the version).
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
        comment=query["comment"],
        limits=DiagramLimits(settings.max_diagram_bytes, settings.max_diagram_elements),
    )
