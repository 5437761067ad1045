"""A designer's edition of the approval diagram: a new "review" lane and step (issue 12).

Built from the shipped file by text edits, as a designer's tool would save it: a lane
naming the role ``reviewer`` and a user task with three decisions and two form fields
sits before the approval; its "return" decision sends the draft back to the author.
"""

from __future__ import annotations

from engine.services.processes.deployment import BPMN_DIR

SHIPPED = (BPMN_DIR / "document_approval.bpmn").read_text("utf-8")
ROLE = "reviewer"

PROPS = {
    "label.en": "Review document",
    "label.fa": "بررسی سند",
    "decisions": "pass escalate return",
    "decision.pass.label.en": "Pass",
    "decision.pass.event": "reviewed",
    "decision.escalate.label.en": "Escalate",
    "decision.escalate.label.fa": "ارجاع",
    "decision.escalate.event": "escalated",
    "decision.return.label.en": "Return",
    "decision.return.comment": "required",
    "decision.return.event": "returned",
    "bulk": "pass",
    "fields": "risk score",
    "field.risk.type": "choice",
    "field.risk.options": "low high",
    "field.risk.required": "true",
    "field.risk.label.en": "Risk",
    "field.score.type": "decimal",
    "field.score.label.en": "Score",
}


def properties(props: dict[str, str]) -> str:
    rows = "".join(f'<spiffworkflow:property name="{k}" value="{v}" />' for k, v in props.items())
    return (
        f"<bpmn:extensionElements><spiffworkflow:properties>{rows}"
        "</spiffworkflow:properties></bpmn:extensionElements>"
    )


def review_diagram(props: dict[str, str] | None = None, role: str = ROLE) -> bytes:
    """Return the approval diagram with the review lane and step (``props`` its declaration)."""
    lane = (
        '<bpmn:lane id="review_lane" name="review">'
        + properties({"role": role, "label.en": "Review", "label.fa": "بررسی"})
        + "<bpmn:flowNodeRef>review_document</bpmn:flowNodeRef>"
        "<bpmn:flowNodeRef>review_decision</bpmn:flowNodeRef></bpmn:lane>"
    )
    task = (
        '<bpmn:userTask id="review_document" name="Review document">'
        + properties(PROPS if props is None else props)
        + "<bpmn:incoming>flow_to_review</bpmn:incoming>"
        "<bpmn:outgoing>flow_to_review_decision</bpmn:outgoing></bpmn:userTask>"
        '<bpmn:exclusiveGateway id="review_decision" default="flow_reviewed">'
        "<bpmn:incoming>flow_to_review_decision</bpmn:incoming>"
        "<bpmn:outgoing>flow_reviewed</bpmn:outgoing>"
        "<bpmn:outgoing>flow_review_returned</bpmn:outgoing></bpmn:exclusiveGateway>"
        '<bpmn:sequenceFlow id="flow_to_review" sourceRef="mark_awaiting_approval"'
        ' targetRef="review_document" />'
        '<bpmn:sequenceFlow id="flow_to_review_decision" sourceRef="review_document"'
        ' targetRef="review_decision" />'
        '<bpmn:sequenceFlow id="flow_reviewed" sourceRef="review_decision"'
        ' targetRef="approve_document" />'
        '<bpmn:sequenceFlow id="flow_review_returned" sourceRef="review_decision"'
        ' targetRef="return_to_draft"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
        'decision == "return"</bpmn:conditionExpression></bpmn:sequenceFlow>'
    )
    xml = SHIPPED.replace("</bpmn:laneSet>", lane + "</bpmn:laneSet>", 1)
    xml = xml.replace(
        '<bpmn:sequenceFlow id="flow_to_approve" sourceRef="mark_awaiting_approval"'
        ' targetRef="approve_document" />',
        task,
    )
    xml = xml.replace(
        "<bpmn:outgoing>flow_to_approve</bpmn:outgoing>",
        "<bpmn:outgoing>flow_to_review</bpmn:outgoing>",
    )
    xml = xml.replace(
        "<bpmn:incoming>flow_to_approve</bpmn:incoming>",
        "<bpmn:incoming>flow_reviewed</bpmn:incoming>",
    )
    xml = xml.replace(
        '<bpmndi:BPMNEdge id="flow_to_approve_di" bpmnElement="flow_to_approve">',
        '<bpmndi:BPMNEdge id="flow_to_approve_di" bpmnElement="flow_reviewed">',
    )
    return xml.encode()
