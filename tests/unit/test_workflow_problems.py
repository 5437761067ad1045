"""Pinning a deployment error on its element (issue 13 §2): the modeler marks the element
the server's message is about, found by the message's line or a quoted id."""

from __future__ import annotations

from engine.workflow.problems import element_of_message

XML = b"""<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:x="urn:x" id="d">
  <bpmn:process id="p">
    <bpmn:userTask id="review">
      <bpmn:extensionElements>
        <x:property name="decisions" value="ok" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f1" sourceRef="review" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


def test_a_line_inside_an_element_names_that_element() -> None:
    assert element_of_message(XML, "d.bpmn: line 6: decision 'ok' has no label") == "review"


def test_the_line_an_element_starts_on_names_it() -> None:
    assert element_of_message(XML, "d.bpmn: line 9: bad flow") == "f1"


def test_a_quoted_id_names_it_when_the_line_is_the_process() -> None:
    message = "d.bpmn: line 3: something about ('f1')"
    assert element_of_message(XML, message) == "f1"


def test_no_element_for_a_message_without_line_or_known_id() -> None:
    assert element_of_message(XML, "no process with id 'other'") is None
    assert element_of_message(b"<not xml", "d.bpmn: line 1: broken") is None
