"""What the modeler page needs (issue 13 §2): a draft per process kept on the server,
validation with each problem pinned on its element, and the lists its pickers offer
(roles for lanes, operators for service tasks, processes for call activities)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from engine.domain.errors import NotFound, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.steps import LANGUAGES, Assignment, FieldType, StepAction
from engine.models.base import utcnow
from engine.models.workflow import ProcessDraft
from engine.services.processes._operators import OPERATORS
from engine.services.processes.deployment import check_process
from engine.services.processes.designer import main_file
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require
from engine.workflow.declarations import NSMAP
from engine.workflow.limits import DiagramLimits, check_diagram_limits
from engine.workflow.parsing import parse_xml
from engine.workflow.problems import element_of_message

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    """The diagram the modeler opens: the saved draft, else the current version's file."""

    process_id: str
    xml: str
    saved: bool  # False: nothing saved, this is the current version's file
    saved_at: datetime | None = None
    saved_by: int | None = None
    version: int | None = None  # the current version, when the draft is not saved


@dataclass(frozen=True)
class Problem:
    """One reason the diagram would be refused, on its element when one is known."""

    message: str
    element_id: str | None = None
    field: str = "bpmn"


@dataclass(frozen=True)
class Validation:
    process_id: str
    valid: bool
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Role:
    code: str
    name: str


@dataclass(frozen=True)
class Catalog:
    """What the modeler's pickers offer (the words are the domain's, docs/bpmn.md)."""

    roles: tuple[Role, ...]
    operators: tuple[str, ...]
    processes: tuple[str, ...]
    languages: tuple[str, ...] = LANGUAGES
    assignments: tuple[str, ...] = tuple(Assignment)
    pool: str = Assignment.POOL  # the assignment that needs a role to reach anybody
    commands: tuple[str, ...] = tuple(StepAction)
    field_types: tuple[str, ...] = tuple(FieldType)


def get_draft(uow: UnitOfWork, *, process_id: str, actor_id: int) -> Draft:
    """Return the process's saved draft, else its current version's own file.

    Raises PermissionDenied without the design permission, NotFound for a process with
    neither.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.DESIGN_PROCESSES)
        saved = uow.drafts.of_process(process_id)
        if saved is not None:
            return Draft(process_id, saved.xml, True, saved.saved_at, saved.saved_by)
        current = {v.process_id: v for v in uow.processes.current_versions()}.get(process_id)
        if current is None:
            raise NotFound(f"no process {process_id!r}")
        xml = current.bpmn_files[main_file(process_id, current.bpmn_files)]
        return Draft(process_id, xml, False, version=current.version)


def save_draft(
    uow: UnitOfWork,
    *,
    process_id: str,
    xml: bytes,
    actor_id: int,
    limits: DiagramLimits | None = None,
) -> Draft:
    """Keep ``xml`` as the process's draft, replacing the one before; deploy nothing.

    The draft only has to be well-formed XML within the limits (a draft may still be
    invalid BPMN). Raises PermissionDenied, NotFound for an unknown process, and
    ValidationFailed on ``bpmn`` (empty, over a limit, malformed, a DOCTYPE).
    """
    name = f"{process_id}.bpmn"
    if not xml.strip():
        raise ValidationFailed.single("bpmn", "send the BPMN XML as the request body")
    check_diagram_limits({name: xml}, limits or DiagramLimits())
    parse_xml(name, xml)
    with uow:
        require(load_actor(uow, actor_id), Perm.DESIGN_PROCESSES)
        if uow.processes.current_ids().get(process_id) is None:
            raise NotFound(f"no process {process_id!r}")
        draft = uow.drafts.of_process(process_id)
        if draft is None:
            draft = uow.drafts.add(ProcessDraft(process_id=process_id, xml=""))
        draft.xml, draft.saved_by, draft.saved_at = xml.decode(), actor_id, utcnow()
        uow.commit()
        logger.info("process draft saved", extra={"process_id": process_id})
        return Draft(process_id, draft.xml, True, draft.saved_at, actor_id)


def validate_diagram(
    uow: UnitOfWork,
    *,
    process_id: str,
    xml: bytes,
    actor_id: int,
    limits: DiagramLimits | None = None,
) -> Validation:
    """Check ``xml`` as a deployment would and list what is wrong, storing nothing.

    Each problem names the element it is about when the message allows (the line or a
    quoted id); a service task naming no registered operator is a problem too (it would
    deploy, then stop on an incident). Raises PermissionDenied without the permission.
    """
    files = {f"{process_id}.bpmn": xml}
    try:
        check_process(uow, process_id=process_id, files=files, actor_id=actor_id, limits=limits)
    except ValidationFailed as error:
        problems = [
            Problem(reason, element_of_message(xml, reason), field)
            for field, reasons in error.fields.items()
            for reason in reasons
        ]
    else:
        problems = [Problem(m, e) for e, m in _unknown_operators(xml, OPERATORS)]
    return Validation(process_id, not problems, tuple(problems))


def _unknown_operators(xml: bytes, known: Mapping[str, object]) -> list[tuple[str, str]]:
    """Return (service task id, message) for each operator the registry lacks."""
    root = parse_xml("diagram", xml)
    found = []
    for task in root.xpath(".//bpmn:serviceTask", namespaces=NSMAP):
        for operator in task.xpath(".//spiffworkflow:serviceTaskOperator", namespaces=NSMAP):
            name = operator.get("id") or ""
            if name not in known:
                found.append(
                    (task.get("id"), f"service task {task.get('id')!r}: unknown operator {name!r}")
                )
    return found


def designer_catalog(uow: UnitOfWork, *, actor_id: int) -> Catalog:
    """Return the roles, operators and deployed processes the modeler offers.

    Raises PermissionDenied without the design permission.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.DESIGN_PROCESSES)
        roles = tuple(Role(r.code, r.name) for r in uow.users.roles())
        processes = tuple(sorted(uow.processes.current_ids()))
    return Catalog(roles, tuple(sorted(OPERATORS)), processes)
