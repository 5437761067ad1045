"""Diagrams of issue 12 §4-5 the tests deploy: a board's 2-of-3 parallel approval, and steps
whose assignee is an expression (no test here: unit and integration tests share them)."""

from __future__ import annotations

from html import escape

BOARD_ROLE = "board"


def _props(props: dict[str, str]) -> str:
    rows = "".join(
        f'<spiffworkflow:property name="{k}" value="{escape(v)}"/>' for k, v in props.items()
    )
    return (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f"{rows}</spiffworkflow:properties></bpmn:extensionElements>"
    )


def _service(operator: str) -> str:
    """A service task running ``operator`` (named like it)."""
    return (
        f'<bpmn:serviceTask id="{operator}"><bpmn:extensionElements>'
        f'<spiffworkflow:serviceTaskOperator id="{operator}"><spiffworkflow:parameters/>'
        "</spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"
    )


def _definitions(process_id: str, lanes: str, body: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="{process_id}_definitions" targetNamespace="https://cartable.example/bpmn">
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:laneSet id="{process_id}_lanes">{lanes}</bpmn:laneSet>
    <bpmn:startEvent id="submitted"/>
    <bpmn:sequenceFlow id="f1" sourceRef="submitted" targetRef="mark_awaiting_approval"/>
    {_service("mark_awaiting_approval")}
    {body}
    <bpmn:exclusiveGateway id="outcome" default="to_draft"/>
    <bpmn:sequenceFlow id="to_number" sourceRef="outcome" targetRef="take_number">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        >decision == "approve"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_draft" sourceRef="outcome" targetRef="return_to_draft"/>
    {_service("return_to_draft")}
    <bpmn:sequenceFlow id="f_rejected" sourceRef="return_to_draft" targetRef="rejected"/>
    <bpmn:endEvent id="rejected"/>
    {_service("take_number")}
    <bpmn:sequenceFlow id="f_post" sourceRef="take_number" targetRef="post_document"/>
    {_service("post_document")}
    <bpmn:sequenceFlow id="f_posted" sourceRef="post_document" targetRef="posted"/>
    <bpmn:endEvent id="posted"/>
  </bpmn:process>
</bpmn:definitions>
""".encode()


APPROVE = {
    "label.en": "Board approval",
    "label.fa": "تأیید هیئت مدیره",
    "decisions": "approve reject",
    "decision.approve.label.en": "Approve",
    "decision.approve.event": "approved",
    "decision.reject.label.en": "Reject",
    "decision.reject.comment": "required",
    "decision.reject.event": "rejected",
    "bulk": "approve",
}


def board_approval(
    process_id: str = "board_approval",
    *,
    members: str = f'role("{BOARD_ROLE}")',
    condition: str = 'votes["approve"] >= 2',
    extra: dict[str, str] | None = None,
) -> bytes:
    """A document goes to every member of the board role at once; two approvals pass it,
    one reject ends the step (the default), then it is numbered and posted."""
    lane = (
        f'<bpmn:lane id="board_lane" name="board">{_props({"role": BOARD_ROLE})}'
        "<bpmn:flowNodeRef>board_vote</bpmn:flowNodeRef></bpmn:lane>"
    )
    body = f"""
    <bpmn:sequenceFlow id="f2" sourceRef="mark_awaiting_approval" targetRef="board_vote"/>
    <bpmn:userTask id="board_vote" name="Board approval">
      {_props({**APPROVE, "members": members, **(extra or {})})}
      <bpmn:multiInstanceLoopCharacteristics isSequential="false">
        <bpmn:loopDataInputRef>board</bpmn:loopDataInputRef>
        <bpmn:inputDataItem id="director" name="director"/>
        <bpmn:completionCondition>{escape(condition, quote=False)}</bpmn:completionCondition>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="board_vote" targetRef="outcome"/>"""
    return _definitions(process_id, lane, body)


def assigned_approval(process_id: str, assignee: str, extra: dict[str, str] | None = None) -> bytes:
    """One approval step in the approval lane whose assignee is ``assignee``."""
    lane = (
        f'<bpmn:lane id="approval" name="approval">{_props({"role": "approver admin"})}'
        "<bpmn:flowNodeRef>assigned_approval</bpmn:flowNodeRef></bpmn:lane>"
    )
    body = f"""
    <bpmn:sequenceFlow id="f2" sourceRef="mark_awaiting_approval" targetRef="assigned_approval"/>
    <bpmn:userTask id="assigned_approval" name="Assigned approval">
      {_props({**APPROVE, "assignee": assignee, **(extra or {})})}
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="assigned_approval" targetRef="outcome"/>"""
    return _definitions(process_id, lane, body)
