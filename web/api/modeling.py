"""/api/v1 for the modeler (issue 13 §2): a draft per process, validation with the
problems pinned on their elements, and the operators service tasks may name."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.domain.errors import ValidationFailed
from engine.services.processes import designer_catalog, get_draft, save_draft, validate_diagram
from engine.workflow.limits import DiagramLimits
from web.api.fields import LocalInteger, Text
from web.context import actor_id, cartable, new_uow, require_token

blp = Blueprint("modeling", __name__, url_prefix="/api/v1", description="Process modeler")
blp.before_request(require_token)


class DraftOut(Schema):
    process_id = Text()
    xml = Text(metadata={"description": "the draft's BPMN XML"})
    saved = fields.Boolean(
        metadata={"description": "false: nothing saved yet, xml is the current version's"}
    )
    saved_at = fields.DateTime(allow_none=True)
    saved_by = LocalInteger(allow_none=True)
    version = LocalInteger(
        allow_none=True, metadata={"description": "the current version xml is, when not saved"}
    )


class ProblemOut(Schema):
    message = Text()
    element_id = Text(allow_none=True, metadata={"description": "the element it is about"})
    field = Text()


class ValidationOut(Schema):
    process_id = Text()
    valid = fields.Boolean()
    problems = fields.List(fields.Nested(ProblemOut))


class OperatorOut(Schema):
    name = Text(metadata={"description": "what a service task's serviceTaskOperator id names"})


def limits() -> DiagramLimits:
    """The diagram limits of the settings (CARTABLE_MAX_DIAGRAM_*)."""
    settings = cartable().settings
    return DiagramLimits(settings.max_diagram_bytes, settings.max_diagram_elements)


def body_xml() -> bytes:
    """Return the request body, the BPMN XML; an empty one is a 422 on ``bpmn``."""
    xml = request.get_data(cache=False)
    if not xml:
        raise ValidationFailed.single("bpmn", "send the BPMN XML as the request body")
    return xml


@blp.route("/processes/<process_id>/draft", methods=["GET"])
@blp.response(200, DraftOut)
def draft(process_id: str) -> Any:
    """Return the process's saved draft, else its current version's XML (needs design_processes)."""
    return get_draft(new_uow(), process_id=process_id, actor_id=actor_id())


@blp.route("/processes/<process_id>/draft", methods=["PUT"])
@blp.response(200, DraftOut)
def put_draft(process_id: str) -> Any:
    """Keep the raw BPMN XML body as the process's draft; nothing is deployed.

    The draft must be well-formed XML within the diagram limits (422 on ``bpmn``), not
    yet valid BPMN.
    """
    return save_draft(
        new_uow(), process_id=process_id, xml=body_xml(), actor_id=actor_id(), limits=limits()
    )


@blp.route("/processes/<process_id>/validate", methods=["POST"])
@blp.response(200, ValidationOut)
def validate(process_id: str) -> Any:
    """Check the raw BPMN XML body as a deployment would, storing nothing.

    Answers ``valid`` and the ``problems``, each with the ``element_id`` it is about
    when known; an unknown operator is a problem too.
    """
    return validate_diagram(
        new_uow(), process_id=process_id, xml=body_xml(), actor_id=actor_id(), limits=limits()
    )


@blp.route("/operators", methods=["GET"])
@blp.response(200, OperatorOut(many=True))
def operators() -> Any:
    """List the registered operators a service task may name, by name (needs design_processes)."""
    catalog = designer_catalog(new_uow(), actor_id=actor_id())
    return [{"name": name} for name in catalog.operators]
