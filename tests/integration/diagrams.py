"""Small diagrams the tests deploy through the API: one process whose user tasks sit in
the shipped approval lane, after the service task that marks the document awaiting it."""

from __future__ import annotations

from collections.abc import Iterable


def approval_lane_process(process_id: str, user_tasks: Iterable[str], body: str) -> bytes:
    """Return a process ``process_id``: start → mark_awaiting_approval → ``first``…

    ``user_tasks`` are the ids the approval lane holds; ``body`` is the rest of the
    process (the flow from ``mark_awaiting_approval`` on, the tasks, the end event).
    """
    refs = "".join(f"<bpmn:flowNodeRef>{task}</bpmn:flowNodeRef>" for task in user_tasks)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="{process_id}_definitions" targetNamespace="https://cartable.example/bpmn">
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:laneSet id="{process_id}_lanes">
      <bpmn:lane id="approval" name="approval">
        <bpmn:extensionElements>
          <spiffworkflow:properties>
            <spiffworkflow:property name="role" value="approver admin"/>
          </spiffworkflow:properties>
        </bpmn:extensionElements>
        {refs}
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="submitted"/>
    <bpmn:sequenceFlow id="f1" sourceRef="submitted" targetRef="mark_awaiting_approval"/>
    <bpmn:serviceTask id="mark_awaiting_approval">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="mark_awaiting_approval">
          <spiffworkflow:parameters/>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    {body}
  </bpmn:process>
</bpmn:definitions>
""".encode()
