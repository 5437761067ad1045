"""Comparing two diagrams by element id, parsed as untrusted XML (issue 13 §1)."""

from __future__ import annotations

import pytest

from engine.domain.errors import ValidationFailed
from engine.workflow.diagram_diff import diff_diagrams

HEAD = (
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"'
    ' xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">'
    '<bpmn:process id="p">'
)


def diagram(body: str, shape_x: int = 10) -> bytes:
    return (
        f'{HEAD}{body}</bpmn:process><bpmndi:BPMNDiagram id="di"><bpmndi:BPMNPlane id="pl">'
        f'<bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="{shape_x}" y="0" width="1"'
        ' height="1"/></bpmndi:BPMNShape></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>'
        "</bpmn:definitions>"
    ).encode()


def test_moving_a_shape_is_no_change() -> None:
    body = '<bpmn:startEvent id="s" name="Start here"/>'
    diff = diff_diagrams("a", diagram(body), "b", diagram(body, shape_x=99))
    assert (diff.added, diff.removed, diff.changed) == ((), (), ())


def test_added_removed_and_renamed_elements_are_listed_by_id_and_name() -> None:
    old = diagram('<bpmn:startEvent id="s"/><bpmn:userTask id="t" name="Approve"/>')
    new = diagram('<bpmn:startEvent id="s"/><bpmn:userTask id="u" name="Check"/>')
    diff = diff_diagrams("a", old, "b", new)
    assert [(e.id, e.tag, e.name) for e in diff.added] == [("u", "userTask", "Check")]
    assert [(e.id, e.name) for e in diff.removed] == [("t", "Approve")]


def test_changed_attributes_conditions_and_extensions_are_named() -> None:
    old = diagram(
        '<bpmn:sequenceFlow id="f" sourceRef="a" targetRef="b">'
        "<bpmn:conditionExpression>x &gt; 1</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:userTask id="t"><bpmn:extensionElements><x:p xmlns:x="urn:x" v="1"/>'
        "</bpmn:extensionElements></bpmn:userTask>"
    )
    new = diagram(
        '<bpmn:sequenceFlow id="f" sourceRef="a" targetRef="c">'
        "<bpmn:conditionExpression>x &gt; 2</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:userTask id="t"><bpmn:extensionElements><x:p xmlns:x="urn:x" v="2"/>'
        "</bpmn:extensionElements></bpmn:userTask>"
    )
    changed = {e.id: e.changes for e in diff_diagrams("a", old, "b", new).changed}
    assert changed == {"f": ("@targetRef", "content"), "t": ("extensionElements",)}


def test_a_doctype_with_entities_is_refused_naming_the_file() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        + diagram('<bpmn:startEvent id="s" name="&b;"/>')
    )
    with pytest.raises(ValidationFailed) as refused:
        diff_diagrams("v1/p.bpmn", diagram(""), "v2/p.bpmn", bomb)
    assert "v2/p.bpmn" in str(refused.value.fields["bpmn"])
