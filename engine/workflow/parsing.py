"""Parse untrusted BPMN XML into a validated, storable process bundle (ARCHITECTURE §5).

XML is parsed by lxml with entities unresolved, no network and no DTD; any DOCTYPE is
refused. Files are checked against the BPMN and SpiffWorkflow schemas (SpiffWorkflow's
validator), scripts are refused and every expression must pass the static check of the
expression language (engine.workflow.expressions), so a bad file fails when it is
deployed rather than when an instance reaches it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.parser.process import SpiffProcessParser
from SpiffWorkflow.spiff.parser.task_spec import ServiceTaskParser, UserTaskParser
from SpiffWorkflow.spiff.specs.defaults import UserTask

from engine.domain.errors import ValidationFailed
from engine.domain.steps import StepRegistry
from engine.workflow.declarations import NSMAP, declarations_of
from engine.workflow.expressions import ExpressionRejected, compile_expression
from engine.workflow.operators import OperatorTask
from engine.workflow.people import ParallelSteps, SequentialSteps
from engine.workflow.serialization import specs_to_json

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_SCRIPTS = ".//bpmn:scriptTask | .//spiffworkflow:preScript | .//spiffworkflow:postScript"
# Every element whose text SpiffWorkflow evaluates (the script engine refuses the
# rest at run time anyway; checking here makes a bad file fail when it is deployed).
_EXPRESSIONS = (
    ".//bpmn:conditionExpression | .//bpmn:timeDuration | .//bpmn:timeDate"
    " | .//bpmn:timeCycle | .//bpmn:loopCardinality | .//bpmn:completionCondition"
    " | .//bpmn:loopCondition | .//bpmn:condition | .//bpmn:messagePath"
    " | .//bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression"
    " | .//spiffworkflow:messagePayload | .//spiffworkflow:payloadExpression"
    " | .//spiffworkflow:processVariableCorrelation/spiffworkflow:expression"
)


@dataclass(frozen=True)
class ProcessBundle:
    """What the service layer stores once per process version."""

    process_id: str
    checksum: str
    spec_json: dict[str, Any]
    registry: StepRegistry  # the lanes and steps its diagrams declare (issue 12)


class CartableProcessParser(SpiffProcessParser):  # type: ignore[misc]
    """SpiffWorkflow's process parser, with BPMN elements winning id lookups."""

    def _index_process_nodes(self) -> None:
        super()._index_process_nodes()
        # `serviceTaskOperator id="take_number"` inside task `take_number` would
        # otherwise replace the task in the index (SpiffWorkflow 3.2 indexes all ids).
        for node in self.xpath(".//bpmn:*[@id]"):
            self.nodes_by_id[node.get("id")] = node


class CartableUserTaskParser(UserTaskParser):  # type: ignore[misc]
    """SpiffWorkflow's user task parser, with Cartable's multi-instance steps (issue 12 §5)."""

    PARALLEL_MI_CLASS = ParallelSteps
    SEQUENTIAL_MI_CLASS = SequentialSteps


class CartableBpmnParser(SpiffBpmnParser):  # type: ignore[misc]
    """SpiffWorkflow's parser, building OperatorTask for service tasks."""

    PROCESS_PARSER_CLASS = CartableProcessParser
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (ServiceTaskParser, OperatorTask),
        full_tag("userTask"): (CartableUserTaskParser, UserTask),
    }


def parse_process(process_id: str, xml_files: Mapping[str, bytes]) -> ProcessBundle:
    """Parse and validate ``process_id`` and every process it calls from ``xml_files``.

    ``xml_files`` maps file names to XML bytes; the checksum covers the files the
    process and its call-activity targets come from. Raises ValidationFailed on field
    ``bpmn`` for malformed XML, a DOCTYPE, a schema error, a script, a refused
    expression, an unknown process id, a call activity calling an unknown process, or a
    bad lane or step declaration (engine.workflow.declarations).
    """
    roots = {name: parse_xml(name, data) for name, data in sorted(xml_files.items())}
    parser = CartableBpmnParser(validator=VALIDATOR)
    for name, root in roots.items():
        _check_scripts_and_expressions(name, root)
        try:
            parser.add_bpmn_xml(root, filename=name)
        except Exception as exc:  # SpiffWorkflow raises many kinds on bad input
            raise _invalid(exc, roots, name) from exc
    if parser.get_process_parser(process_id) is None:
        raise ValidationFailed.single("bpmn", f"no process with id {process_id!r}")
    try:
        spec = parser.get_spec(process_id)
        _check_call_targets(parser, roots, spec, set())
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationFailed:
        raise
    except Exception as exc:  # SpiffWorkflow raises many kinds on bad input
        raise _invalid(exc, roots, None) from exc
    registry = declarations_of(roots)
    involved = sorted({spec.file, *(sp.file for sp in subprocess_specs.values())})
    checksum = hashlib.sha256(b"".join(xml_files[name] for name in involved)).hexdigest()
    return ProcessBundle(
        process_id=process_id,
        checksum=checksum,
        spec_json=specs_to_json(process_id, checksum, spec, subprocess_specs),
        registry=registry,
    )


def parse_xml(name: str, data: bytes) -> Any:
    """Parse untrusted XML: no entities, no DTD, no network; a DOCTYPE is refused.

    Raises ValidationFailed on field ``bpmn`` naming the file (and the line).
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    refused = ValidationFailed.single("bpmn", f"{name}: a DOCTYPE (and entities) is not allowed")
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if _DOCTYPE.search(data):  # e.g. libxml2 stopping an entity bomb: say why it is refused
            raise refused from exc
        raise ValidationFailed.single("bpmn", f"{name}: line {exc.lineno}: {exc.msg}") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise refused
    return root


def _check_scripts_and_expressions(name: str, root: Any) -> None:
    for node in root.xpath(_SCRIPTS, namespaces=NSMAP):
        tag = etree.QName(node).localname
        raise ValidationFailed.single(
            "bpmn", f"{name}: line {node.sourceline}: {tag} is not allowed (expressions only)"
        )
    for node, expression in _expressions(root):
        try:
            compile_expression(expression)
        except ExpressionRejected as exc:
            owner = node.xpath("ancestor::*[@id][1]")
            what = f"{etree.QName(owner[0]).localname} {owner[0].get('id')!r}: " if owner else ""
            raise ValidationFailed.single(
                "bpmn", f"{name}: line {node.sourceline}: {what}expression {expression!r}: {exc}"
            ) from exc


def _expressions(root: Any) -> Iterator[tuple[Any, str]]:
    for node in root.xpath(_EXPRESSIONS, namespaces=NSMAP):
        if node.text and node.text.strip():
            yield node, node.text
    for node in root.xpath(".//spiffworkflow:parameter[@value]", namespaces=NSMAP):
        yield node, node.get("value")


def _check_call_targets(
    parser: CartableBpmnParser, roots: Mapping[str, Any], spec: Any, seen: set[str]
) -> None:
    """Refuse a call activity, here or in what it calls, naming an unknown process."""
    for task_spec in spec.task_specs.values():
        if not isinstance(task_spec, CallActivity) or task_spec.spec in seen:
            continue
        if parser.get_process_parser(task_spec.spec) is None:
            line = _line_of(roots.get(spec.file), task_spec.bpmn_id)
            raise ValidationFailed.single(
                "bpmn",
                f"{spec.file}: line {line}: call activity {task_spec.bpmn_id!r} calls "
                f"unknown process {task_spec.spec!r}",
            )
        seen.add(task_spec.spec)
        _check_call_targets(parser, roots, parser.get_spec(task_spec.spec), seen)


def _line_of(root: Any, element_id: str | None) -> int | str:
    if root is None or not element_id:
        return "?"
    nodes = root.xpath("//*[@id=$element_id]", element_id=element_id)
    return nodes[0].sourceline if nodes else "?"


def _invalid(exc: Exception, roots: Mapping[str, Any], name: str | None) -> ValidationFailed:
    """Describe a parser error as ValidationFailed on ``bpmn``, with file and line."""
    if isinstance(exc, SpiffWorkflowException):
        message = " ".join([str(exc.args[0]) if exc.args else "", *exc.notes]).strip()
    else:
        message = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, ValidationException):
        name = exc.file_name or name
        line = exc.line_number or _line_of(roots.get(name or ""), exc.id)
        where = f" ({exc.tag} {exc.id!r})" if exc.id else ""
        return ValidationFailed.single("bpmn", f"{name}: line {line}: {message}{where}")
    prefix = f"{name}: " if name else ""
    return ValidationFailed.single("bpmn", f"{prefix}{message}")
