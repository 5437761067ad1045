"""Parsing and validating BPMN files into process bundles (ARCHITECTURE §5, SPEC C3)."""

from __future__ import annotations

import hashlib
import json

import pytest

from engine.domain.errors import ValidationFailed
from engine.workflow import load_bundle, parse_process
from tests.unit.test_workflow_support import shipped_files

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' id="defs" targetNamespace="https://cartable.example/bpmn">\n'
)


def one_process(body: str, process_id: str = "tiny") -> bytes:
    """A minimal process: started -> <body> -> finished, body between the two flows."""
    return (
        HEAD + f'<bpmn:process id="{process_id}" isExecutable="true">\n'
        '<bpmn:startEvent id="started" />\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="started" targetRef="step" />\n'
        f"{body}\n"
        '<bpmn:sequenceFlow id="f2" sourceRef="step" targetRef="finished" />\n'
        '<bpmn:endEvent id="finished" />\n'
        "</bpmn:process>\n</bpmn:definitions>\n"
    ).encode()


def bpmn_reason(exc: pytest.ExceptionInfo[ValidationFailed]) -> str:
    assert list(exc.value.fields) == ["bpmn"]
    return exc.value.fields["bpmn"][0]


@pytest.mark.parametrize("process_id", ["document_approval", "quote_to_invoice"])
def test_shipped_processes_parse_validate_and_serialize_to_json(process_id: str) -> None:
    bundle = parse_process(process_id, shipped_files())

    assert bundle.process_id == process_id
    assert bundle.spec_json["spec"]["name"] == process_id
    json.dumps(bundle.spec_json)


def test_quote_to_invoice_bundle_includes_the_called_approval_process() -> None:
    bundle = parse_process("quote_to_invoice", shipped_files())

    assert set(bundle.spec_json["subprocess_specs"]) == {"document_approval"}


def test_checksum_covers_exactly_the_files_involved() -> None:
    files = shipped_files()
    approval = files["document_approval.bpmn"]
    quote = files["quote_to_invoice.bpmn"]

    assert (
        parse_process("document_approval", files).checksum == hashlib.sha256(approval).hexdigest()
    )
    assert (
        parse_process("quote_to_invoice", files).checksum
        == hashlib.sha256(approval + quote).hexdigest()
    )


def test_service_task_keeps_its_element_id_when_operator_has_the_same_name() -> None:
    bundle = parse_process("document_approval", shipped_files())

    task_spec = bundle.spec_json["spec"]["task_specs"]["take_number"]
    assert task_spec["operation_name"] == "take_number"
    assert task_spec["typename"] == "OperatorTask"


def test_load_bundle_deserializes_once_per_checksum() -> None:
    bundle = parse_process("document_approval", shipped_files())

    first = load_bundle(bundle.spec_json)
    again = load_bundle(json.loads(json.dumps(bundle.spec_json)))

    assert again is first


def test_malformed_xml_is_rejected_with_its_line() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_process("tiny", {"bad.bpmn": b'<?xml version="1.0"?>\n<a>\n<b></a>'})

    assert bpmn_reason(exc).startswith("bad.bpmn: line 3: ")


def test_external_entity_is_rejected_not_resolved() -> None:
    xml = (
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>'
    )

    with pytest.raises(ValidationFailed) as exc:
        parse_process("tiny", {"xxe.bpmn": xml})

    assert "DOCTYPE" in bpmn_reason(exc)
    assert "root:" not in str(exc.value)


def test_unknown_called_element_is_rejected_naming_the_call_activity() -> None:
    xml = one_process('<bpmn:callActivity id="step" calledElement="no_such_process" />')

    with pytest.raises(ValidationFailed) as exc:
        parse_process("tiny", {"tiny.bpmn": xml})

    reason = bpmn_reason(exc)
    assert "'step'" in reason and "'no_such_process'" in reason


def test_schema_violation_is_rejected() -> None:
    xml = one_process('<bpmn:userTask id="step" name="x" bogus="1" />')

    with pytest.raises(ValidationFailed) as exc:
        parse_process("tiny", {"tiny.bpmn": xml})

    assert "bogus" in bpmn_reason(exc)


def test_unknown_process_id_is_rejected() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_process("nope", shipped_files())

    assert "'nope'" in bpmn_reason(exc)


def test_script_task_is_rejected() -> None:
    xml = one_process(
        '<bpmn:scriptTask id="step"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>'
    )

    with pytest.raises(ValidationFailed) as exc:
        parse_process("tiny", {"tiny.bpmn": xml})

    assert "scriptTask is not allowed" in bpmn_reason(exc)


def test_service_task_without_operator_is_rejected() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_process("tiny", {"tiny.bpmn": one_process('<bpmn:serviceTask id="step" />')})

    assert "operator" in bpmn_reason(exc)


def test_unsafe_gateway_condition_is_rejected_at_parse_time() -> None:
    body = (
        '<bpmn:exclusiveGateway id="step" default="f2" />\n'
        '<bpmn:sequenceFlow id="f3" sourceRef="step" targetRef="finished">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
        "().__class__.__bases__</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )

    with pytest.raises(ValidationFailed) as exc:
        parse_process("tiny", {"tiny.bpmn": one_process(body)})

    reason = bpmn_reason(exc)
    assert reason.startswith("tiny.bpmn: line 7: ")
    assert "'__bases__' is not allowed" in reason
