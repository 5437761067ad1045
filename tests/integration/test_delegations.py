"""Substitutes and assignment notices through the API (issue 12 §7): during a delegation
the substitute sees and works the user's personal tasks and role cartables, and the
history and the audit log say "X for Y"; users opt in to a message on assignment."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from tests.integration.conftest import Api
from tests.integration.flows import field_errors, i7_invoice, task_of
from tests.integration.test_step_deadlines import TEHRAN, at
from tests.integration.test_ui_flow import UiClient

__all__ = ["at"]  # the clock-moving fixture

DELEGATIONS = "/api/v1/users/approver/delegations"


@pytest.fixture
def sam(api: Api) -> int:
    """A user without roles: works no cartable of their own."""
    body = {"username": "sam", "password": "sam-pass-1", "full_name": "سام"}
    return int(api.ok("POST", "/api/v1/users", body, status=201)["id"])


def delegate(api: Api, starts: date, ends: date, as_: str = "approver") -> Any:
    body = {"substitute": "sam", "starts_on": starts.isoformat(), "ends_on": ends.isoformat()}
    return api.call("POST", DELEGATIONS, as_, json=body)


def in_approval(api: Api, ids: dict[str, int]) -> dict[str, Any]:
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    return doc


def open_ids(api: Api, as_: str) -> list[int]:
    return [t["document_id"] for t in api.ok("GET", "/api/v1/tasks", as_=as_)]


def test_the_substitute_sees_and_decides_the_role_cartable_for_the_user(
    api: Api, ids: dict[str, int], sam: int
) -> None:
    """Issue 12 §7: the approver is away; sam approves in the approval cartable, and the
    history and the audit say sam acted for the approver."""
    today = date.today()
    doc = in_approval(api, ids)
    assert doc["id"] not in open_ids(api, "sam")

    created = delegate(api, today, today + timedelta(days=3))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["active"] is True
    task = task_of(api, doc["id"], "approval", "sam")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="sam")

    history = api.ok("GET", f"/api/v1/documents/{doc['id']}/history")
    approved = [e for e in history if e["details"].get("step") == task["element_id"]]
    assert approved[0]["actor_id"] == sam
    assert approved[0]["details"]["for_user"] == ids["approver"]
    audit = api.ok("GET", "/api/v1/audit?action=task.complete")
    assert (audit[0]["actor"], audit[0]["for_user"]) == ("sam", "approver")


def test_the_substitute_works_the_users_personal_task(
    api: Api, ids: dict[str, int], sam: int
) -> None:
    """Issue 12 §7: a task the approver holds is in sam's cartable during the delegation."""
    doc = in_approval(api, ids)
    task = task_of(api, doc["id"], "approval", "approver")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/claim", as_="approver")
    delegate(api, date.today(), date.today())

    mine = api.ok("GET", f"/api/v1/tasks/{task['id']}", as_="sam")
    assert mine["assignee_id"] == ids["approver"]
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="sam")


def test_nothing_is_delegated_before_the_range_starts_or_after_it_ends(
    api: Api, ids: dict[str, int], sam: int, at: Any
) -> None:
    """Issue 12 §7: the days are business dates in Tehran, both included."""
    at(datetime(2026, 12, 2, 10, tzinfo=TEHRAN))
    doc = in_approval(api, ids)
    assert delegate(api, date(2026, 12, 3), date(2026, 12, 4)).status_code == 201

    assert doc["id"] not in open_ids(api, "sam")
    at(datetime(2026, 12, 3, 9, tzinfo=TEHRAN))
    assert doc["id"] in open_ids(api, "sam")
    at(datetime(2026, 12, 5, 0, 30, tzinfo=TEHRAN))
    assert doc["id"] not in open_ids(api, "sam")


def test_a_delegation_is_listed_and_removed_and_then_the_substitute_sees_nothing(
    api: Api, ids: dict[str, int], sam: int
) -> None:
    doc = in_approval(api, ids)
    made = delegate(api, date.today(), date.today()).get_json()

    listed = api.ok("GET", DELEGATIONS, as_="approver")
    assert [(d["id"], d["substitute"]) for d in listed] == [(made["id"], "sam")]
    assert api.call("DELETE", f"{DELEGATIONS}/{made['id']}", "approver").status_code == 204
    assert api.ok("GET", DELEGATIONS, as_="approver") == []
    assert doc["id"] not in open_ids(api, "sam")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"substitute": "nobody"}, "substitute"),
        ({"substitute": "approver"}, "substitute"),
        ({"ends_on": "2020-01-01", "starts_on": "2020-01-01"}, "ends_on"),
        ({"starts_on": "2099-01-02", "ends_on": "2099-01-01"}, "ends_on"),
        ({"starts_on": "2099-01-03", "ends_on": "2099-01-10"}, "starts_on"),  # overlaps
    ],
)
def test_a_bad_delegation_is_refused_naming_the_field(
    api: Api, sam: int, body: dict[str, str], field: str
) -> None:
    """Issue 12 §7: 422 naming the field; nothing is stored."""
    api.ok(
        "POST",
        DELEGATIONS,
        {"substitute": "sam", "starts_on": "2099-01-01", "ends_on": "2099-01-05"},
        as_="approver",
        status=201,
    )
    full = {"substitute": "sam", "starts_on": "2099-02-01", "ends_on": "2099-02-02", **body}

    response = api.call("POST", DELEGATIONS, "approver", json=full)

    assert response.status_code == 422
    assert field in field_errors(response)
    assert len(api.ok("GET", DELEGATIONS, as_="approver")) == 1


def test_only_the_user_or_a_user_manager_sets_the_users_substitute(api: Api, sam: int) -> None:
    today = date.today()
    assert delegate(api, today, today, as_="clerk").status_code == 403
    assert delegate(api, today, today, as_="admin").status_code == 201


def test_a_user_who_opted_in_is_emailed_when_a_task_is_assigned_to_them(
    api: Api, ids: dict[str, int], sam: int
) -> None:
    """Issue 12 §7: a personal assignment queues the opted-in message, to the address the
    user has; opting in to a channel without an address is refused."""
    body = {"email": True, "sms": False}
    refused = api.call("PUT", "/api/v1/users/sam/notices", "sam", json=body)
    assert refused.status_code == 422 and "email" in field_errors(refused)
    api.ok("PATCH", "/api/v1/users/approver", {"email": "approver@example.com"})
    shown = api.ok("PUT", "/api/v1/users/approver/notices", body, as_="approver")
    assert shown["notify_assigned_email"] is True
    doc = in_approval(api, ids)
    task = task_of(api, doc["id"], "approval", "admin")

    assign = {"assignee_id": ids["approver"]}
    api.ok("POST", f"/api/v1/tasks/{task['id']}/assign", assign, as_="admin")

    sent = [m for m in api.ok("GET", "/api/v1/messages") if m["template"] == "task_assigned"]
    assert [(m["recipient"], m["channel"]) for m in sent] == [("approver@example.com", "email")]


def test_the_me_page_shows_its_sections_once_under_a_plain_title(app: Flask) -> None:
    """Issue 12 §7's substitutes and notices are sections of /me's content, each once;
    the page's title is the user's name, not the forms."""
    page = UiClient(app, "approver").get("/me").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None and "<" not in title.group(1)
    assert page.count('id="substitutes"') == 1 and page.count('id="notices"') == 1
