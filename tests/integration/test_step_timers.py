"""A user task's boundary timers, deployed through the API and walked with a moved clock
(issue 12 §6): the due time counts working hours over the company calendar, a reminder
goes through the outbox, an escalation after 8 working hours across the Friday weekend
and a holiday moves the step to the holder's manager or to another lane."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from engine.services.processes.timers import run_due_timers
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.diagrams import approval_lane_process
from tests.integration.flows import i7_invoice, task_of
from tests.integration.test_step_deadlines import TEHRAN, at, due_of

__all__ = ["at"]  # the clock-moving fixture

STEP = """
    <bpmn:sequenceFlow id="f2" sourceRef="mark_awaiting_approval" targetRef="review"/>
    <bpmn:userTask id="review" name="Review">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="decisions" value="done"/>
          <spiffworkflow:property name="decision.done.label.en" value="Done"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="remind_reviewer" attachedToRef="review" cancelActivity="false">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="remind" value="{remind}"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT4H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="escalate_review" attachedToRef="review">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="escalate" value="{escalate}"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:timerEventDefinition><bpmn:timeDuration>{duration}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f_escalated" sourceRef="escalate_review" targetRef="review"/>
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="done"/>
    <bpmn:endEvent id="done"/>"""

SUPERVISORS = """
      <bpmn:lane id="supervisors" name="supervisors">
        <bpmn:extensionElements>
          <spiffworkflow:properties>
            <spiffworkflow:property name="role" value="supervisor"/>
          </spiffworkflow:properties>
        </bpmn:extensionElements>
      </bpmn:lane>
    </bpmn:laneSet>"""


def tehran(day: int, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` of December ``day`` 2026 in Tehran (3 December is a Thursday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=TEHRAN)


def diagram(
    escalate: str = "manager supervisors", remind: str = "email sms", duration: str = '"PT8H"'
) -> bytes:
    body = STEP.format(escalate=escalate, remind=remind, duration=duration)
    xml = approval_lane_process("timed_escalation", ["review"], body)
    return xml.replace(b"</bpmn:laneSet>", SUPERVISORS.encode(), 1)


def deploy(api: Api, xml: bytes) -> Any:
    return api.call(
        "POST",
        "/api/v1/processes/timed_escalation/versions",
        "admin",
        data=xml,
        content_type="application/xml",
    )


@pytest.fixture
def escalating(api: Api) -> None:
    """A supervisor role and member, a manager over the approver, addresses, a holiday on
    Saturday 5 December; the diagram deployed and used by sales invoices."""
    api.ok("POST", "/api/v1/roles", {"code": "supervisor", "name": "ناظر"}, status=201)
    body = {"username": "sara", "password": "sara-pass-1", "roles": ["supervisor"]}
    api.ok("POST", "/api/v1/users", body, status=201)
    body = {"username": "boss", "password": "boss-pass-1", "email": "boss@example.com"}
    api.ok("POST", "/api/v1/users", body, status=201)
    edit = {"manager": "boss", "email": "approver@example.com", "mobile": "09121234567"}
    api.ok("PATCH", "/api/v1/users/approver", edit)
    api.ok("POST", "/api/v1/calendar/holidays", {"date": "2026-12-05", "name": "تعطیل"}, status=201)
    response = deploy(api, diagram())
    assert response.status_code == 201, response.get_json()
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"process_id": "timed_escalation"})


def submitted(api: Api, ids: dict[str, int]) -> dict[str, Any]:
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    return doc


def fire(uow: UnitOfWork) -> int:
    return run_due_timers(uow)


def messages_to(api: Api, recipient: str) -> list[dict[str, Any]]:
    return [m for m in api.ok("GET", "/api/v1/messages") if m["recipient"] == recipient]


def test_the_step_is_due_after_eight_working_hours_across_the_weekend_and_a_holiday(
    api: Api, ids: dict[str, int], escalating: None, at: Any
) -> None:
    """Issue 12 §6: Thursday 10:00 + 8 working hours = Thursday 6, Friday off, Saturday a
    holiday, Sunday 2: Sunday 10:00."""
    at(tehran(3, 10))
    doc = submitted(api, ids)

    task = task_of(api, doc["id"], "approval", "approver")

    assert due_of(task) == tehran(6, 10)


def test_the_reminder_goes_to_the_holder_after_four_working_hours(
    api: Api, ids: dict[str, int], escalating: None, at: Any, uow: UnitOfWork
) -> None:
    """Issue 12 §6: a non-interrupting timer reminds the holder by email and SMS; the
    step stays where it is."""
    at(tehran(3, 10))
    doc = submitted(api, ids)
    task = task_of(api, doc["id"], "approval", "approver")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/claim", as_="approver")

    at(tehran(3, 13))  # three working hours: nothing yet
    fire(uow)
    assert messages_to(api, "approver@example.com") == []
    at(tehran(3, 14, 30))
    assert fire(uow) == 1

    email = messages_to(api, "approver@example.com")
    sms = messages_to(api, "09121234567")
    assert [m["channel"] for m in email + sms] == ["email", "sms"]
    assert task_of(api, doc["id"], "approval", "approver")["id"] == task["id"]
    history = api.ok("GET", f"/api/v1/documents/{doc['id']}/history")
    assert "step_reminded" in [e["action"] for e in history]


def test_an_unclaimed_step_reminds_every_member_of_its_lanes_roles(
    api: Api, ids: dict[str, int], escalating: None, at: Any, uow: UnitOfWork
) -> None:
    """Issue 12 §6: nobody holds it, so the lane's role members with an address are reminded."""
    api.ok("PATCH", "/api/v1/users/admin", {"email": "admin@example.com"})
    at(tehran(3, 10))
    submitted(api, ids)

    at(tehran(3, 14, 30))
    fire(uow)

    reminded = {m["recipient"] for m in api.ok("GET", "/api/v1/messages")}
    assert {"approver@example.com", "admin@example.com", "09121234567"} <= reminded
    assert "boss@example.com" not in reminded  # the manager works no approval lane


def test_an_unclaimed_step_escalates_to_the_supervisors_lane_on_sunday(
    api: Api, ids: dict[str, int], escalating: None, at: Any, uow: UnitOfWork
) -> None:
    """Issue 12 §6: nobody holds it, so the manager target does not apply and the next
    one, the supervisors' lane, takes it after 8 working hours; a supervisor decides."""
    at(tehran(3, 10))
    doc = submitted(api, ids)
    at(tehran(5, 12))  # Saturday, a holiday: no working time passed since Thursday 16:00
    fire(uow)
    task_of(api, doc["id"], "approval", "approver")

    at(tehran(6, 10, 1))
    fire(uow)

    moved = task_of(api, doc["id"], "supervisors", "sara")
    assert moved["assignee_id"] is None
    open_for_approver = api.ok("GET", "/api/v1/tasks?cartable=approval", as_="approver")
    assert doc["id"] not in [t["document_id"] for t in open_for_approver]
    api.ok("POST", f"/api/v1/tasks/{moved['id']}/complete", {"decision": "done"}, as_="sara")
    history = api.ok("GET", f"/api/v1/documents/{doc['id']}/history")
    escalated = [e for e in history if e["action"] == "step_escalated"]
    assert escalated and escalated[0]["details"]["to_lane"] == "supervisors"


def test_a_held_step_escalates_to_the_holders_manager_who_decides_it(
    api: Api, ids: dict[str, int], escalating: None, at: Any, uow: UnitOfWork
) -> None:
    """Issue 12 §6: the approver holds it; after 8 working hours it is the approver's
    manager's, in the manager's own cartable, though the manager works no lane."""
    at(tehran(3, 10))
    doc = submitted(api, ids)
    task = task_of(api, doc["id"], "approval", "approver")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/claim", as_="approver")

    at(tehran(6, 10, 1))
    fire(uow)

    mine = [t for t in api.ok("GET", "/api/v1/tasks", as_="boss") if t["document_id"] == doc["id"]]
    boss = next(u for u in api.ok("GET", "/api/v1/users") if u["username"] == "boss")
    assert len(mine) == 1 and mine[0]["assignee_id"] == boss["id"]
    assert mine[0]["id"] != task["id"]
    decided = api.ok(
        "POST", f"/api/v1/tasks/{mine[0]['id']}/complete", {"decision": "done"}, as_="boss"
    )
    assert decided["decision"] == "done"
    refused = api.call(
        "POST", f"/api/v1/tasks/{task['id']}/complete", "approver", json={"decision": "done"}
    )
    assert refused.status_code == 409


@pytest.mark.parametrize(
    ("xml", "element"),
    [
        (diagram(duration='"P1D"'), "escalate_review"),
        (diagram(duration="'soon'"), "escalate_review"),
        (diagram(escalate="directors"), "escalate_review"),
        (diagram(remind="pigeon"), "remind_reviewer"),
    ],
    ids=["not-working-hours", "not-a-duration", "unknown-lane", "unknown-channel"],
)
def test_a_bad_timer_is_refused_with_its_element_id_and_nothing_deployed(
    api: Api, xml: bytes, element: str
) -> None:
    """Issue 12 §6: a timer definition that does not parse, an escalation to an unknown
    lane, a reminder on an unknown channel: 422 naming the element, nothing stored."""
    response = deploy(api, xml)

    assert response.status_code == 422, response.get_json()
    assert element in response.get_json()["errors"]["bpmn"][0]
    assert api.call("GET", "/api/v1/processes/timed_escalation/versions").status_code == 404
