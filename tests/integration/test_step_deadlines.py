"""A step's deadline comes from its diagram, in working hours of the company calendar
(issue 12 §6): deployed through the API, walked with a moved clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask

from tests.integration.conftest import Api
from tests.integration.diagrams import approval_lane_process
from tests.integration.flows import i7_invoice, task_of
from tests.integration.test_ui_flow import UiClient

TEHRAN = ZoneInfo("Asia/Tehran")

TIMED = approval_lane_process(
    "timed_review",
    ["review"],
    """
    <bpmn:sequenceFlow id="f2" sourceRef="mark_awaiting_approval" targetRef="review"/>
    <bpmn:userTask id="review" name="Review within a working day">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="decisions" value="done"/>
          <spiffworkflow:property name="decision.done.label.en" value="Done"/>
          <spiffworkflow:property name="due" value="PT8H"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="done"/>
    <bpmn:endEvent id="done"/>""",
)


def tehran(day: int, hour: int) -> datetime:
    """``hour`` o'clock of December ``day`` 2026 in Tehran (2 December is a Wednesday)."""
    return datetime(2026, 12, day, hour, tzinfo=TEHRAN)


@pytest.fixture
def timed(api: Api) -> None:
    """Deploy the timed review through the API, make sales invoices use it, and give the
    company a half-day Thursday."""
    response = api.call(
        "POST",
        "/api/v1/processes/timed_review/versions",
        "admin",
        data=TIMED,
        content_type="application/xml",
    )
    assert response.status_code == 201, response.get_json()
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"process_id": "timed_review"})
    week = [
        {"day": d, "opens": "08:00", "closes": "12:00" if d == "thursday" else "16:00"}
        for d in ("saturday", "sunday", "monday", "tuesday", "wednesday", "thursday")
    ]
    api.ok("PUT", "/api/v1/calendar/week", {"week": [*week, {"day": "friday"}]})


@pytest.fixture
def at() -> Iterator[Any]:
    """Move the clock: ``at(moment)``; the last move holds until the test ends."""
    travellers: list[Any] = []

    def move(moment: datetime) -> None:
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield move
    for traveller in travellers:
        traveller.stop()


def due_of(task: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(task["due_at"]).astimezone(UTC)


def test_eight_working_hours_from_wednesday_afternoon_fall_on_saturday(
    api: Api, ids: dict[str, int], timed: None, at: Any
) -> None:
    at(tehran(2, 15))  # Wednesday 15:00: one hour left, Thursday 4, Friday off, Saturday 3
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")

    task = task_of(api, doc["id"], "approval", "approver")

    assert due_of(task) == tehran(5, 11).astimezone(UTC)
    assert api.ok("GET", f"/api/v1/tasks/{task['id']}", as_="approver")["due_at"] == task["due_at"]


def test_a_holiday_pushes_the_deadline_and_an_edit_of_the_document_keeps_it(
    api: Api, ids: dict[str, int], timed: None, at: Any
) -> None:
    api.ok("POST", "/api/v1/calendar/holidays", {"date": "2026-12-05", "name": "تعطیل"}, status=201)
    at(tehran(2, 15))
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    api.ok(
        "PATCH", f"/api/v1/documents/{doc['id']}", {"notes": "یادداشت", "due_date": "2027-01-30"}
    )

    task = task_of(api, doc["id"], "approval", "approver")

    assert due_of(task) == tehran(6, 11).astimezone(UTC)  # Saturday off: Sunday 11:00


def test_the_cartable_filters_overdue_steps_once_the_deadline_passes(
    api: Api, ids: dict[str, int], timed: None, at: Any
) -> None:
    at(tehran(2, 15))
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    overdue = "/api/v1/tasks?cartable=approval&overdue=true"

    at(tehran(5, 10))  # Saturday 10:00, an hour before the deadline
    assert doc["id"] not in [t["document_id"] for t in api.ok("GET", overdue, as_="approver")]
    at(tehran(5, 12))
    assert doc["id"] in [t["document_id"] for t in api.ok("GET", overdue, as_="approver")]


def test_a_deadline_that_is_not_working_hours_is_refused_and_nothing_deployed(api: Api) -> None:
    bad = TIMED.replace(b'value="PT8H"', b'value="P1D"')
    response = api.call(
        "POST",
        "/api/v1/processes/timed_review/versions",
        "admin",
        data=bad,
        content_type="application/xml",
    )
    assert response.status_code == 422
    assert "review" in response.get_json()["errors"]["bpmn"][0]
    assert api.call("GET", "/api/v1/processes/timed_review/versions").status_code == 404


def test_the_cartable_page_shows_the_time_left_and_then_overdue(
    api: Api, ids: dict[str, int], timed: None, at: Any, app: Flask
) -> None:
    at(tehran(2, 15))
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    approver = UiClient(app, "approver")

    at(tehran(5, 10))
    before = approver.get("/cartable?cartable=approval").get_data(as_text=True)
    at(tehran(5, 12))
    after = approver.get("/cartable?cartable=approval&overdue=1").get_data(as_text=True)

    assert "مانده" in before and "گذشته از مهلت" not in before
    assert "گذشته از مهلت" in after and f'data-document-id="{doc["id"]}"' in after
