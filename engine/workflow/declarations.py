"""Read what a diagram declares for people: its lanes' roles and its user tasks' steps.

Both are ``spiffworkflow:property`` elements inside ``spiffworkflow:properties`` in the
element's ``bpmn:extensionElements`` (issue 12 §1-2; docs/bpmn.md lists every name with
an example). bpmn-js keeps them when it round-trips the XML, and a designer can write
them by hand. A bad declaration raises ValidationFailed on ``bpmn`` naming the file,
line and element id, so a diagram fails when it is deployed.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from lxml import etree

from engine.domain.errors import ValidationFailed
from engine.domain.messages import Channel
from engine.domain.step_timers import MANAGER, REMINDER_CHANNELS, StepTimer
from engine.domain.steps import (
    LANGUAGES,
    Assignment,
    Decision,
    Field,
    FieldType,
    Lane,
    Step,
    StepAction,
    StepRegistry,
    ending_decisions,
)
from engine.domain.work_calendar import parse_working_span
from engine.workflow.expressions import ExpressionRejected, compile_expression
from engine.workflow.people import PEOPLE_FUNCTIONS, VOTES

NSMAP = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
_PROPERTIES = "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,39}\Z")
# Keys the engine itself puts in a task's data: a field may not overwrite them.
RESERVED_FIELDS = frozenset(
    {"decision", "comment", "actor_id", "document_id", "author_id", "responsible_id", VOTES}
)
_BOOLEANS = {"true": True, "false": False}
_COMMENT = {"required": True, "optional": False}
_LANE_KEYS = frozenset({"role", "assignment", "four_eyes"})
_STEP_KEYS = frozenset(
    {
        "decisions",
        "fields",
        "bulk",
        "editable",
        "command",
        "due",
        "assignee",
        "members",
        "four_eyes",
        "ends_on",
    }
)
_LOOP = "bpmn:multiInstanceLoopCharacteristics"
_DECISION_KEYS = frozenset({"event", "comment"})
_FIELD_KEYS = frozenset({"type", "required", "options"})


@dataclass(frozen=True)
class _Where:
    """Where a declaration is, for error messages: file, line, element."""

    file: str
    line: int
    what: str

    def fail(self, reason: str) -> ValidationFailed:
        return ValidationFailed.single(
            "bpmn", f"{self.file}: line {self.line}: {self.what}: {reason}"
        )


def declarations_of(roots: Mapping[str, Any]) -> StepRegistry:
    """Return the lanes and steps that the parsed diagrams ``roots`` (by file) declare.

    Raises ValidationFailed naming the file, line and element for a bad declaration, or
    a lane name two files give different roles.
    """
    lanes: dict[str, Lane] = {}
    steps: dict[str, Step] = {}
    names: dict[str, dict[str, str]] = {}
    timers: dict[str, tuple[StepTimer, _Where]] = {}
    spare: dict[str, Lane] = {}  # lanes without user tasks: cartables only as escalation targets
    for name, root in sorted(roots.items()):
        names.update(_element_names(name, root))
        user_tasks = set(root.xpath(".//bpmn:userTask/@id", namespaces=NSMAP))
        timers.update(_timers(name, root, user_tasks))
        for node in root.xpath(".//bpmn:lane", namespaces=NSMAP):
            lane = _lane(node, _Where(name, node.sourceline, f"lane {node.get('id')!r}"))
            refs = {
                ref.text.strip()
                for ref in node.xpath("bpmn:flowNodeRef", namespaces=NSMAP)
                if ref.text
            }
            if not refs & user_tasks:
                spare.setdefault(lane.name, lane)  # a lane of service tasks only is no cartable
                continue
            if lane.name in lanes and lanes[lane.name] != lane:
                raise _Where(name, node.sourceline, f"lane {node.get('id')!r}").fail(
                    f"another diagram declares lane {lane.name!r} with other roles"
                )
            lanes[lane.name] = lane
        for node in root.xpath(".//bpmn:userTask", namespaces=NSMAP):
            where = _Where(name, node.sourceline, f"user task {node.get('id')!r}")
            props = _properties(node, where)
            if props:  # a task declaring nothing takes free decisions, or an older version's
                steps[node.get("id")] = _step(node, props, where)
    _check_targets(timers.values(), lanes, spare)
    return StepRegistry(
        lanes, steps, names=names, timers={key: timer for key, (timer, _) in timers.items()}
    )


def _element_names(file: str, root: Any) -> dict[str, dict[str, str]]:
    """Return each element's ``label.<lang>`` names by element id (issue 13 §3)."""
    names: dict[str, dict[str, str]] = {}
    for node in root.xpath(f".//bpmn:*[@id][{_PROPERTIES}]", namespaces=NSMAP):
        where = _Where(file, node.sourceline, f"element {node.get('id')!r}")
        labels = _labels(_properties(node, where), "", where)
        if labels:
            names[node.get("id")] = labels
    return names


def _properties(node: Any, where: _Where) -> dict[str, str]:
    found: dict[str, str] = {}
    for prop in node.xpath(_PROPERTIES, namespaces=NSMAP):
        key, value = prop.get("name") or "", (prop.get("value") or "").strip()
        if key in found:
            raise where.fail(f"property {key!r} is given twice")
        found[key] = value
    return found


def _lane(node: Any, where: _Where) -> Lane:
    props = _properties(node, where)
    unknown = {k for k in props if k not in _LANE_KEYS and k.split(".")[0] != "label"}
    if unknown:
        raise where.fail(f"unknown propert{'ies' if len(unknown) > 1 else 'y'} {sorted(unknown)}")
    roles = tuple(props.get("role", "").replace(",", " ").split())
    try:
        assignment = Assignment(props.get("assignment") or Assignment.POOL)
    except ValueError:
        raise where.fail(f"assignment must be one of: {', '.join(Assignment)}") from None
    source = f"{where.file}: line {where.line}: {where.what}"
    labels = _labels(props, "", where)
    four_eyes = _boolean(props, "four_eyes", where) if "four_eyes" in props else None
    name = node.get("name") or node.get("id")
    return Lane(name, roles, assignment, source, labels, four_eyes)


def _step(node: Any, props: Mapping[str, str], where: _Where) -> Step:
    decision_ids = _ids(props.get("decisions", ""), "decision", where)
    field_ids = _ids(props.get("fields", ""), "field", where)
    _check_keys(props, decision_ids, field_ids, where)
    decisions = tuple(_decision(d, props, where) for d in decision_ids)
    bulk = props.get("bulk") or None
    if bulk is not None and bulk not in decision_ids:
        raise where.fail(f"bulk names {bulk!r}, which is not one of its decisions")
    command = props.get("command") or None
    if command is not None and command not in set(StepAction):
        raise where.fail(f"command must be one of: {', '.join(StepAction)}")
    if command is not None and not decisions:
        raise where.fail("a step a command completes needs the decision it sends")
    members, item = _members(node, props, where)
    return Step(
        element_id=node.get("id"),
        label=node.get("name") or node.get("id"),
        decisions=decisions,
        action=StepAction(command) if command else None,
        bulk=bulk,
        editable=_boolean(props, "editable", where),
        fields=tuple(_field(f, props, where) for f in field_ids),
        labels=_labels(props, "", where),
        due=_due(props, where),
        assignee=_people_expression(props, "assignee", where) or item,
        members=members,
        four_eyes=_boolean(props, "four_eyes", where) if "four_eyes" in props else None,
        ends_on=_ends_on(node, props, decision_ids, where),
    )


def _people_expression(props: Mapping[str, str], key: str, where: _Where) -> str | None:
    """Return an assignee or members expression, refused unless it compiles (issue 12 §4)."""
    expression = props.get(key) or None
    if expression is not None:
        try:
            compile_expression(expression, PEOPLE_FUNCTIONS)
        except ExpressionRejected as error:
            raise where.fail(f"{key} {expression!r}: {error}") from None
    return expression


def _members(node: Any, props: Mapping[str, str], where: _Where) -> tuple[str | None, str | None]:
    """Return a multi-instance step's members expression and its instances' item name.

    ``members`` fills the loop's data input, so it needs a multi-instance loop with a
    ``loopDataInputRef`` and an ``inputDataItem`` (each instance's member: its assignee
    unless ``assignee`` says otherwise).
    """
    members = _people_expression(props, "members", where)
    if members is None:
        return None, None
    loop = node.xpath(_LOOP, namespaces=NSMAP)
    if not loop or not loop[0].xpath("bpmn:loopDataInputRef", namespaces=NSMAP):
        raise where.fail("members needs a multi-instance loop with a loopDataInputRef")
    items = loop[0].xpath("bpmn:inputDataItem/@id", namespaces=NSMAP)
    if not items:
        raise where.fail("members needs the loop's inputDataItem (each instance's member)")
    return members, str(items[0])


def _ends_on(
    node: Any, props: Mapping[str, str], decisions: tuple[str, ...], where: _Where
) -> tuple[str, ...]:
    if not node.xpath(_LOOP, namespaces=NSMAP):
        if "ends_on" in props:
            raise where.fail("ends_on is for a multi-instance step only")
        return ()
    ending = ending_decisions(decisions, props.get("ends_on"))
    for value in ending:
        if value not in decisions:
            raise where.fail(f"ends_on names {value!r}, which is not one of its decisions")
    return ending


def _due(props: Mapping[str, str], where: _Where) -> timedelta | None:
    text = props.get("due")
    if not text:
        return None
    try:
        return parse_working_span(text)
    except ValueError as error:
        raise where.fail(f"due: {error}") from None


def _ids(text: str, kind: str, where: _Where) -> tuple[str, ...]:
    ids = tuple(text.replace(",", " ").split())
    for value in ids:
        if not _IDENTIFIER.match(value):
            raise where.fail(f"{kind} id {value!r} must be lowercase letters, digits and _")
        if ids.count(value) > 1:
            raise where.fail(f"{kind} {value!r} is declared twice")
        if kind == "field" and value in RESERVED_FIELDS:
            raise where.fail(f"field {value!r} would overwrite the engine's own data")
    return ids


def _check_keys(
    props: Mapping[str, str], decisions: tuple[str, ...], fields: tuple[str, ...], where: _Where
) -> None:
    """Refuse a property the step does not understand (a typo would be silently ignored)."""
    for key in props:
        parts = key.split(".")
        if key in _STEP_KEYS or (len(parts) == 2 and parts[0] == "label"):
            continue
        if parts[0] in ("decision", "field") and len(parts) >= 3:
            owner, known = (
                (decisions, _DECISION_KEYS) if parts[0] == "decision" else (fields, _FIELD_KEYS)
            )
            if parts[1] not in owner:
                raise where.fail(f"property {key!r}: {parts[0]} {parts[1]!r} is not declared")
            if (len(parts) == 3 and parts[2] in known) or (len(parts) == 4 and parts[2] == "label"):
                continue
        raise where.fail(f"unknown property {key!r}")


def _labels(props: Mapping[str, str], prefix: str, where: _Where) -> dict[str, str]:
    labels: dict[str, str] = {}
    for key, value in props.items():
        if key.startswith(f"{prefix}label."):
            language = key.rsplit(".", 1)[1]
            if language not in LANGUAGES:
                raise where.fail(f"property {key!r}: a label's language is one of {LANGUAGES}")
            if value:
                labels[language] = value
    return labels


def _decision(value: str, props: Mapping[str, str], where: _Where) -> Decision:
    prefix = f"decision.{value}."
    labels = _labels(props, prefix, where)
    if not labels:
        raise where.fail(f"decision {value!r} has no label (decision.{value}.label.en)")
    comment = props.get(f"{prefix}comment", "optional")
    if comment not in _COMMENT:
        raise where.fail(f"decision {value!r}: comment must be 'required' or 'optional'")
    return Decision(value, props.get(f"{prefix}event") or value, _COMMENT[comment], labels)


def _field(name: str, props: Mapping[str, str], where: _Where) -> Field:
    prefix = f"field.{name}."
    raw_type = props.get(f"{prefix}type", "")
    try:
        kind = FieldType(raw_type)
    except ValueError:
        raise where.fail(
            f"field {name!r} has unknown type {raw_type!r} (one of: {', '.join(FieldType)})"
        ) from None
    options = tuple(props.get(f"{prefix}options", "").replace(",", " ").split())
    if (kind is FieldType.CHOICE) != bool(options):
        raise where.fail(f"field {name!r}: options are given for a choice, and only for it")
    labels = _labels(props, prefix, where)
    if not labels:
        raise where.fail(f"field {name!r} has no label (field.{name}.label.en)")
    required = _boolean(props, f"{prefix}required", where)
    return Field(name, kind, required, labels, options)


def _boolean(props: Mapping[str, str], key: str, where: _Where) -> bool:
    value = props.get(key, "false")
    if value not in _BOOLEANS:
        raise where.fail(f"property {key!r} must be 'true' or 'false'")
    return _BOOLEANS[value]


def lane_roles(registry: StepRegistry) -> Iterator[tuple[Lane, str]]:
    """Yield each lane with each role code it names (for checking they exist)."""
    for lane in registry.lanes.values():
        for code in lane.roles:
            yield lane, code


def read_declarations(files: Mapping[str, str | bytes]) -> StepRegistry:
    """Return the declarations of stored diagram files (already validated when deployed)."""
    return declarations_of({name: _root(xml) for name, xml in files.items()})


def _root(xml: str | bytes) -> Any:
    data = xml.encode() if isinstance(xml, str) else xml
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser)


_TIMER_KEYS = frozenset({"remind", "escalate"})
_CYCLE = "bpmn:timerEventDefinition/bpmn:timeCycle"
_DURATION = "bpmn:timerEventDefinition/bpmn:timeDuration"


def _timers(name: str, root: Any, user_tasks: set[str]) -> dict[str, tuple[StepTimer, _Where]]:
    """Read the boundary timers of user tasks (issue 12 §6): working hours, what they do."""
    found: dict[str, tuple[StepTimer, _Where]] = {}
    for node in root.xpath(".//bpmn:boundaryEvent[bpmn:timerEventDefinition]", namespaces=NSMAP):
        if node.get("attachedToRef") not in user_tasks:
            continue
        where = _Where(name, node.sourceline, f"timer {node.get('id')!r}")
        if node.xpath(_CYCLE, namespaces=NSMAP):
            raise where.fail("a user task's timer is a duration (PT8H) or a date, not a cycle")
        for duration in node.xpath(_DURATION, namespaces=NSMAP):
            _check_duration(duration.text or "", where)
        props = _properties(node, where)
        unknown = sorted(set(props) - _TIMER_KEYS)
        if unknown:
            raise where.fail(f"unknown property {unknown[0]!r}")
        interrupting = (node.get("cancelActivity") or "true").lower() == "true"
        timer = StepTimer(
            element_id=node.get("id"),
            step_id=node.get("attachedToRef"),
            interrupting=interrupting,
            remind=_channels(props.get("remind", ""), where),
            escalate=tuple(props.get("escalate", "").replace(",", " ").split()),
        )
        _check_timer(timer, node, root, where)
        found[timer.element_id] = (timer, where)
    return found


def _check_duration(text: str, where: _Where) -> None:
    """Refuse a literal duration that is not working hours; an expression is read at run time."""
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        return  # an expression over the instance data (its text was checked as one)
    if not isinstance(value, str):
        raise where.fail(f'timeDuration {text.strip()!r} is not a duration (write "PT8H")')
    try:
        parse_working_span(value)
    except ValueError as error:
        raise where.fail(f"timeDuration {value!r}: {error}") from None


def _channels(text: str, where: _Where) -> tuple[Channel, ...]:
    names = tuple(text.replace(",", " ").split())
    known = {channel.value: channel for channel in REMINDER_CHANNELS}
    for value in names:
        if value not in known:
            raise where.fail(f"remind: {value!r} is not one of: {', '.join(known)}")
    return tuple(known[value] for value in dict.fromkeys(names))


def _check_timer(timer: StepTimer, node: Any, root: Any, where: _Where) -> None:
    if timer.remind and timer.interrupting:
        raise where.fail('a reminder leaves the step open: set cancelActivity="false"')
    if timer.escalate and not timer.interrupting:
        raise where.fail("an escalation takes the step away: it must interrupt (cancelActivity)")
    if timer.escalate and not root.xpath(
        ".//bpmn:sequenceFlow[@sourceRef=$id]", id=timer.element_id, namespaces=NSMAP
    ):
        raise where.fail("an escalation needs a flow to the step that opens in its target")


def _check_targets(
    timers: Iterable[tuple[StepTimer, _Where]], lanes: dict[str, Lane], spare: dict[str, Lane]
) -> None:
    """Refuse an escalation to an unknown lane; a lane only escalated to becomes a cartable."""
    for timer, where in timers:
        for target in timer.escalate:
            if target == MANAGER or target in lanes:
                continue
            if target not in spare:
                raise where.fail(f"escalate: no lane {target!r} (nor {MANAGER!r})")
            lanes[target] = spare[target]
