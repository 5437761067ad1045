"""The process modeler page (issue 13 §2) and the JSON it talks to with the page's
session: the draft (GET/PUT), validation and deployment. The JSON routes are on a plain
blueprint, so their errors answer the API's JSON shape, which the page's script shows."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, lazy_gettext as _l
from flask_login import current_user, login_required

from engine.domain.errors import ValidationFailed
from engine.services.processes import (
    deploy_process,
    designer_catalog,
    get_draft,
    save_draft,
    validate_diagram,
)
from engine.workflow.limits import DiagramLimits
from web.context import cartable, new_uow
from web.ui.formatting import local_digits
from web.ui.process_design import bp

json_bp = Blueprint("modeler_json", __name__)

# The modeler's own words (its palette, context pad, properties panel and linter say
# them in English through bpmn-js's translate service); the page hands them over.
WORDS = {
    "Activate hand tool": _l("Activate hand tool"),
    "Activate lasso tool": _l("Activate lasso tool"),
    "Activate create/remove space tool": _l("Activate create/remove space tool"),
    "Activate global connect tool": _l("Activate global connect tool"),
    "Add lane above": _l("Add lane above"),
    "Add lane below": _l("Add lane below"),
    "Divide into two lanes": _l("Divide into two lanes"),
    "Divide into three lanes": _l("Divide into three lanes"),
    "Append task": _l("Append task"),
    "Append end event": _l("Append end event"),
    "Append gateway": _l("Append gateway"),
    "Append intermediate/boundary event": _l("Append intermediate/boundary event"),
    "Add text annotation": _l("Add text annotation"),
    "Change element": _l("Change element"),
    "Connect to other element": _l("Connect to other element"),
    "Create start event": _l("Create start event"),
    "Create end event": _l("Create end event"),
    "Create task": _l("Create task"),
    "Create gateway": _l("Create gateway"),
    "Create intermediate/boundary event": _l("Create intermediate/boundary event"),
    "Create expanded sub-process": _l("Create expanded sub-process"),
    "Create pool/participant": _l("Create pool/participant"),
    "Create data object reference": _l("Create data object reference"),
    "Create data store reference": _l("Create data store reference"),
    "Create group": _l("Create group"),
    "Delete": _l("Delete"),
    "General": _l("General"),
    "Name": _l("Name"),
    "ID": _l("ID"),
    "Documentation": _l("Documentation"),
    "Element documentation": _l("Element documentation"),
    "Process documentation": _l("Process documentation"),
    "Process ID": _l("Process ID"),
    "Process name": _l("Process name"),
    "Participant Name": _l("Participant name"),
    "Executable": _l("Executable"),
    "Timer": _l("Timer"),
    "Type": _l("Type"),
    "Value": _l("Value"),
    "Date": _l("Date"),
    "Duration": _l("Duration"),
    "Cycle": _l("Cycle"),
    "<none>": _l("<none>"),
    "Select an element to edit its properties.": _l("Select an element to edit its properties."),
    "Multiple elements are selected. Select a single element to edit its properties.": _l(
        "Several elements are selected. Select one to edit its properties."
    ),
    "ID must be unique.": _l("ID must be unique."),
    "ID must not be empty.": _l("ID must not be empty."),
    "User Task": _l("User task"),
    "Service Task": _l("Service task"),
    "Task": _l("Task"),
    "Call Activity": _l("Call activity"),
    "Lane": _l("Lane"),
    "Participant": _l("Pool"),
    "Collaboration": _l("Collaboration"),
    "Process": _l("Process"),
    "Sequence Flow": _l("Sequence flow"),
    "Exclusive Gateway": _l("Exclusive gateway"),
    "Parallel Gateway": _l("Parallel gateway"),
    "Start Event": _l("Start event"),
    "End Event": _l("End event"),
    "Timer Intermediate Catch Event": _l("Timer event"),
    "Names in each language": _l("Names in each language"),
    "Name (fa)": _l("Name (Persian)"),
    "Name (ar)": _l("Name (Arabic)"),
    "Name (en)": _l("Name (English)"),
    "Label (fa)": _l("Label (Persian)"),
    "Label (ar)": _l("Label (Arabic)"),
    "Label (en)": _l("Label (English)"),
    "Who works this cartable": _l("Who works this cartable"),
    "Role": _l("Role"),
    "Assignment": _l("Assignment"),
    "Cartable step": _l("Cartable step"),
    "Deadline in working hours (e.g. PT8H)": _l("Deadline in working hours (e.g. PT8H)"),
    "Assignee (an expression, e.g. owner(contact_id))": _l(
        "Assignee (an expression, e.g. owner(contact_id))"
    ),
    "Four-eyes: the document's creator may not decide": _l(
        "Four-eyes: the document's creator may not decide"
    ),
    "The holder may edit the document": _l("The holder may edit the document"),
    "Decision sent by bulk approval": _l("Decision sent by bulk approval"),
    "Document command that completes it": _l("Document command that completes it"),
    "Decisions (buttons)": _l("Decisions (buttons)"),
    "Form fields": _l("Form fields"),
    "Id": _l("Id"),
    "Lowercase letters, digits and _": _l("Lowercase letters, digits and _"),
    "History event": _l("History event"),
    "A comment is required": _l("A comment is required"),
    "Choices, separated by spaces": _l("Choices, separated by spaces"),
    "Required": _l("Required"),
    "Operator": _l("Operator"),
    "Operator parameters": _l("Operator parameters"),
    "Value (an expression)": _l("Value (an expression)"),
    "Condition": _l("Condition"),
    "Condition (an expression)": _l("Condition (an expression)"),
    "Called process": _l("Called process"),
    "Process it calls": _l("Process it calls"),
    "Toggle linting overlays": _l("Show or hide the diagram's problems"),
    "{errors} Errors, {warnings} Warnings": _l("{errors} errors, {warnings} warnings"),
    "No Issues": _l("No problems"),
    "Issues for child elements": _l("Problems of the elements inside"),
    "A user task must be in a lane (a cartable)": _l("A user task must be in a lane (a cartable)"),
    "Its lane names no role: nobody would see this step": _l(
        "Its lane names no role: nobody would see this step"
    ),
    "The service task names no operator": _l("The service task names no operator"),
}


def _messages() -> dict[str, str]:
    return {
        "draft_loaded": _l("Your saved draft is open."),
        "version_loaded": _l("Version {n} is open; no draft is saved yet."),
        "unsaved": _l("Changes not saved yet."),
        "saved": _l("The draft is saved."),
        "valid": _l("The diagram is valid: it can be deployed."),
        "invalid": _l("The diagram would be refused; the problems are marked on it."),
        "deployed": _l("Deployed as version {n}."),
        "unchanged": _l("This diagram is already version {n}; it is current again."),
        "failed": _l("That failed:"),
    }


def _limits() -> DiagramLimits:
    settings = cartable().settings
    return DiagramLimits(settings.max_diagram_bytes, settings.max_diagram_elements)


def _body() -> bytes:
    xml = request.get_data(cache=False)
    if not xml:
        raise ValidationFailed.single("bpmn", "send the BPMN XML as the request body")
    return xml


@bp.route("/processes/<process_id>/modeler")
@login_required
def modeler(process_id: str) -> ResponseReturnValue:
    """Show the modeler on the process's draft, else on its current version."""
    catalog = designer_catalog(new_uow(), actor_id=current_user.id)
    get_draft(new_uow(), process_id=process_id, actor_id=current_user.id)  # 404 if unknown
    config: dict[str, Any] = {
        "lang": str(get_locale()),
        "digits": local_digits("0123456789"),  # the page's script for numbers
        "catalog": {
            "roles": [{"code": r.code, "name": r.name} for r in catalog.roles],
            "operators": list(catalog.operators),
            "processes": list(catalog.processes),
            "languages": list(catalog.languages),
            "assignments": list(catalog.assignments),
            "pool": catalog.pool,
            "commands": list(catalog.commands),
            "field_types": list(catalog.field_types),
        },
        "words": {key: str(value) for key, value in WORDS.items()},
        "messages": {key: str(value) for key, value in _messages().items()},
    }
    return render_template(
        "processes/modeler.html",
        process_id=process_id,
        config=config,
        urls={
            "draft": url_for("modeler_json.draft", process_id=process_id),
            "validate": url_for("modeler_json.validate", process_id=process_id),
            "deploy": url_for("modeler_json.deploy", process_id=process_id),
        },
    )


@json_bp.route("/processes/<process_id>/modeler/draft", methods=["GET", "PUT"])
@login_required
def draft(process_id: str) -> ResponseReturnValue:
    """Return the draft (GET) or keep the body as the draft (PUT)."""
    if request.method == "PUT":
        found = save_draft(
            new_uow(),
            process_id=process_id,
            xml=_body(),
            actor_id=current_user.id,
            limits=_limits(),
        )
    else:
        found = get_draft(new_uow(), process_id=process_id, actor_id=current_user.id)
    return jsonify(xml=found.xml, saved=found.saved, version=found.version)


@json_bp.route("/processes/<process_id>/modeler/validate", methods=["POST"])
@login_required
def validate(process_id: str) -> ResponseReturnValue:
    """Check the body as a deployment would; answer the problems by element."""
    result = validate_diagram(
        new_uow(), process_id=process_id, xml=_body(), actor_id=current_user.id, limits=_limits()
    )
    problems = [{"message": p.message, "element_id": p.element_id} for p in result.problems]
    return jsonify(valid=result.valid, problems=problems)


@json_bp.route("/processes/<process_id>/modeler/deploy", methods=["POST"])
@login_required
def deploy(process_id: str) -> ResponseReturnValue:
    """Deploy the body as the process's new version, with ``?comment=``."""
    found = deploy_process(
        new_uow(),
        process_id=process_id,
        files={f"{process_id}.bpmn": _body()},
        actor_id=current_user.id,
        comment=request.args.get("comment", "")[:500],
        limits=_limits(),
    )
    return jsonify(version=found.version, created=found.created, current=found.current), 201
