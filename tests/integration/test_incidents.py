"""Incidents: a failing timer step stops its own instance, not the queue (issue 11 §3).

The shipped overdue_followup process is driven by the generic timer pass (ARCHITECTURE
§5) with time-machine; its send_email operator is made to raise for one customer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from engine.models.audit import AuditEntry
from engine.services.followups._operators import FollowupOperators
from engine.services.followups.passes import process_followups
from engine.services.processes._runs import start_instance
from engine.services.processes.deployment import deploy_process
from engine.services.processes.incidents import Failure, open_incident
from engine.services.processes.timers import run_due_timers
from engine.services.unit_of_work import UnitOfWork
from engine.workflow.operators import OperatorCall
from tests.integration.conftest import Api
from tests.integration.flows import i7_invoice, task_of
from tests.integration.followup_support import at, customer, messages, post_directly, posted_invoice
from tests.integration.test_ui_flow import UiClient

ISSUED = date(2026, 3, 1)
DUE = date(2026, 3, 31)
# Both customers' first (-3 days) timers are due then; the broken one's is the earlier.
PASS = at(DUE - timedelta(days=2), hour=0) + timedelta(minutes=5)


class Gateway:
    """The email operator, broken for one customer until ``fixed``."""

    def __init__(self, broken_contact: int) -> None:
        self.broken_contact = broken_contact
        self.fixed = False
        self.original = FollowupOperators.send_email

    def __call__(self, operators: FollowupOperators, call: OperatorCall) -> None:
        if not self.fixed and call.data.get("contact_id") == self.broken_contact:
            raise RuntimeError("mail gateway down")
        self.original(operators, call)


@pytest.fixture
def setup(
    uow: UnitOfWork, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[int, int, Gateway]]:
    """Two customers under follow-up; the first one's email operator raises."""
    post_directly(uow, ids)
    with time_machine.travel(at(ISSUED), tick=False):
        broken = customer(uow, ids, "مشتری خراب")
        healthy = customer(uow, ids, "مشتری سالم")
        posted_invoice(uow, ids, broken, DUE)
        posted_invoice(uow, ids, healthy, DUE + timedelta(days=1))
    gateway = Gateway(broken)
    monkeypatch.setattr(FollowupOperators, "send_email", lambda self, call: gateway(self, call))
    yield broken, healthy, gateway


def _instance_of(uow: UnitOfWork, contact_id: int) -> dict[str, object]:
    with uow:
        state = uow.followups.of_contact(contact_id)
        assert state is not None and state.instance_id is not None
        row = uow.processes.get(state.instance_id)
        return {
            "id": row.id,
            "status": row.status,
            "error": row.incident_error,
            "at": row.incident_at,
            "element": row.incident_element_id,
            "next_timer_at": row.next_timer_at,
        }


def _incident(uow: UnitOfWork, setup: tuple[int, int, Gateway]) -> dict[str, object]:
    """Run the pass once over both customers; return the broken one's instance."""
    broken, _healthy, _gateway = setup
    with time_machine.travel(PASS, tick=False):
        assert run_due_timers(uow) == 1
    return _instance_of(uow, broken)


def test_a_failing_instance_becomes_an_incident_and_the_pass_goes_on(
    uow: UnitOfWork, setup: tuple[int, int, Gateway], caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 11 §3: status, error, time and element are kept; the next instance still
    fires; the error is logged once; a second pass does not pick the incident again."""
    broken, healthy, _gateway = setup
    caplog.set_level(logging.INFO, logger="engine.services.processes.timers")
    instance = _incident(uow, setup)

    assert instance["status"] == "incident"
    assert instance["error"] == "RuntimeError: mail gateway down"
    assert instance["element"] == "send_email"
    assert instance["at"] == PASS
    assert instance["next_timer_at"] is not None  # its state is the one before the step
    assert messages(uow, broken) == []  # nothing of the failed step was kept
    assert [m.channel for m in messages(uow, healthy)] == ["email"]  # the next one fired

    with time_machine.travel(PASS + timedelta(hours=1), tick=False):
        assert run_due_timers(uow) == 0  # the incident is not picked again
    assert _instance_of(uow, broken)["at"] == PASS
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1 and failures[0].instance_id == instance["id"]  # type: ignore[attr-defined]
    assert failures[0].exc_info is not None


def test_the_daily_pass_leaves_an_incident_alone(
    uow: UnitOfWork, setup: tuple[int, int, Gateway]
) -> None:
    """Issue 11 §3, F2: no second instance is started beside an incident (no double sends)."""
    broken, _healthy, _gateway = setup
    instance = _incident(uow, setup)
    day = DUE + timedelta(days=7)
    with time_machine.travel(at(day), tick=False):
        process_followups(uow, on=day)
    after = _instance_of(uow, broken)
    assert after["id"] == instance["id"] and after["status"] == "incident"
    assert messages(uow, broken) == []


def test_retry_after_the_fix_resumes_the_instance(
    api: Api, uow: UnitOfWork, setup: tuple[int, int, Gateway]
) -> None:
    """Issue 11 §3, E4: the API shows the incident; retry clears it, the step runs, the
    retry is audited."""
    broken, _healthy, gateway = setup
    instance_id = _incident(uow, setup)["id"]
    with time_machine.travel(PASS + timedelta(hours=1), tick=False):
        shown = api.ok("GET", f"/api/v1/process-instances/{instance_id}")
        assert shown["state"] == "incident"
        assert shown["incident"]["error"] == "RuntimeError: mail gateway down"
        assert shown["incident"]["element_id"] == "send_email"
        assert shown["incident"]["at"].startswith(PASS.isoformat()[:19])
        listed = api.ok("GET", "/api/v1/process-instances?status=incident")
        assert [row["id"] for row in listed] == [instance_id]

        gateway.fixed = True
        resumed = api.ok("POST", f"/api/v1/process-instances/{instance_id}/retry")
        # The level ran: this run ends and the customer's next one waits (F2).
        assert resumed["state"] == "completed" and resumed["incident"] is None
        assert api.ok("GET", "/api/v1/process-instances?status=incident") == []

    with uow:
        retried = uow.processes.get(instance_id)
        assert retried.incident_error is None and retried.incident_at is None
        assert retried.incident_element_id is None
    following = _instance_of(uow, broken)
    assert following["id"] != instance_id and following["status"] == "running"
    assert [m.channel for m in messages(uow, broken)] == ["email"]
    with uow:
        audit = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "process.retry")
        ).all()
        assert [(a.entity_id, a.details["outcome"]) for a in audit] == [
            (str(instance_id), "resumed")
        ]
    with time_machine.travel(PASS + timedelta(hours=2), tick=False):
        assert run_due_timers(uow) == 0  # nothing left due: the queue is clear
        again = api.post(f"/api/v1/process-instances/{instance_id}/retry")
    assert again.status_code == 409  # no incident left to retry


def test_retry_while_still_broken_keeps_the_incident_with_the_new_error(
    api: Api, uow: UnitOfWork, setup: tuple[int, int, Gateway]
) -> None:
    """Issue 11 §3: a failed retry answers 409 with the error and records it again."""
    broken, _healthy, _gateway = setup
    instance_id = _incident(uow, setup)["id"]
    later = PASS + timedelta(hours=3)
    with time_machine.travel(later, tick=False):
        response = api.post(f"/api/v1/process-instances/{instance_id}/retry")
    assert response.status_code == 409
    body = response.get_json()
    assert "mail gateway down" in body["message"]
    after = _instance_of(uow, broken)
    assert after["status"] == "incident" and after["at"] == later
    assert after["error"] == "RuntimeError: mail gateway down"
    assert messages(uow, broken) == []
    with uow:
        audit = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "process.retry")
        ).all()
        assert [a.details["outcome"] for a in audit] == ["failed"]


def test_retry_and_the_incident_list_need_the_design_permission(
    api: Api, uow: UnitOfWork, setup: tuple[int, int, Gateway]
) -> None:
    """Issue 11 §3: who may retry (design_processes); a bad status names the field."""
    instance_id = _incident(uow, setup)["id"]
    with time_machine.travel(PASS + timedelta(hours=1), tick=False):
        assert (
            api.post(f"/api/v1/process-instances/{instance_id}/retry", as_="clerk").status_code
            == 403
        )
        assert api.get("/api/v1/process-instances?status=incident", as_="clerk").status_code == 403
        bad = api.get("/api/v1/process-instances?status=stuck")
        assert bad.status_code == 422 and "status" in str(bad.get_json())
        assert api.post("/api/v1/process-instances/999999/retry").status_code == 404
    assert _instance_of(uow, setup[0])["status"] == "incident"


def test_the_instance_page_shows_the_incident_and_its_retry_button(
    app: Flask, uow: UnitOfWork, setup: tuple[int, int, Gateway]
) -> None:
    """Issue 11 §3, E4: status, error, step and time on the page; the button only for
    those who may retry; the button's POST resumes the instance."""
    broken, _healthy, gateway = setup
    instance_id = _incident(uow, setup)["id"]
    with time_machine.travel(PASS + timedelta(hours=1), tick=False):
        clerk = UiClient(app, "clerk")
        page = clerk.get(f"/process-instances/{instance_id}").get_data(as_text=True)
        assert 'data-status="incident"' in page and 'id="incident"' in page
        assert "RuntimeError: mail gateway down" in page
        assert 'id="retry-incident"' not in page
        clerk.post(f"/process-instances/{instance_id}/retry", status=403)

        clerk.get("/process-instances/incidents", status=403)

        admin = UiClient(app, "admin")
        listed = admin.get("/process-instances/incidents").get_data(as_text=True)
        assert f'href="/process-instances/{instance_id}"' in listed and "send_email" in listed
        page = admin.get(f"/process-instances/{instance_id}").get_data(as_text=True)
        assert 'id="retry-incident"' in page
        admin.post(f"/process-instances/{instance_id}/retry", status=302)  # still broken
        page = admin.get(f"/process-instances/{instance_id}").get_data(as_text=True)
        assert "تلاش دوباره ناموفق بود" in page  # the flash says the retry failed
        gateway.fixed = True
        admin.post(f"/process-instances/{instance_id}/retry", status=302)
        page = admin.get(f"/process-instances/{instance_id}").get_data(as_text=True)
        listed = admin.get("/process-instances/incidents").get_data(as_text=True)
    assert 'data-status="completed"' in page and 'id="incident"' not in page
    assert f'href="/process-instances/{instance_id}"' not in listed
    assert [m.channel for m in messages(uow, broken)] == ["email"]


def test_a_user_action_that_moves_an_incident_on_clears_it(
    api: Api, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    """Issue 11 §3: any step that succeeds ends the incident (store_run), not only a retry;
    an open incident keeps its current step on the instance view (E4)."""
    document = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{document['id']}/submit", as_="clerk")
    task = task_of(api, document["id"], "approval", "approver")
    with uow:
        instance = uow.processes.get(task["instance_id"])
        open_incident(instance, Failure("RuntimeError: escalation failed", "approve"))
        uow.commit()
    shown = api.ok("GET", f"/api/v1/process-instances/{task['instance_id']}")
    assert shown["state"] == "incident" and shown["current_element_ids"]
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="approver")
    shown = api.ok("GET", f"/api/v1/process-instances/{task['instance_id']}")
    assert shown["state"] == "running" and shown["incident"] is None


def test_an_engine_error_is_an_incident_at_its_element(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    """Issue 11 §3: not only an operator's exception: an engine error (here a service task
    naming no operator) makes an incident with the element the engine names."""
    bpmn = Path(__file__).parents[1] / "unit" / "bpmn" / "timer_then_missing_operator.bpmn"
    process_id = "timer_missing_operator"
    deploy_process(
        uow,
        process_id=process_id,
        files={f"{process_id}.bpmn": bpmn.read_bytes()},
        actor_id=ids["admin"],
    )
    with time_machine.travel(PASS, tick=False):
        with uow:
            instance = start_instance(
                uow, process_id=process_id, document_id=None, data={}, operators={}
            )
            uow.commit()
            instance_id = instance.id
    with time_machine.travel(PASS + timedelta(hours=2), tick=False):
        assert run_due_timers(uow) == 0
    with uow:
        row = uow.processes.get(instance_id)
        assert row.status == "incident" and row.incident_element_id == "call_missing"
        assert row.incident_error is not None and "no_such_operator" in row.incident_error
