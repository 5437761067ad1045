"""Assignment beyond lanes (issue 12 §4), through the API only: a step's assignee expression
names the creator, the contact's owner, a named user or the creator's manager; the task is
then that user's alone; four-eyes keeps the creator from deciding their own document's
approval, in the service, in the cartable's offers and in bulk approval; bad expressions
are refused at deployment naming the element."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.integration.conftest import Api
from tests.integration.flows import i7_invoice, task_of
from tests.integration.test_ui_flow import UiClient
from tests.people_diagrams import assigned_approval


def deploy(api: Api, process_id: str, xml: bytes) -> Any:
    return api.call(
        "POST",
        f"/api/v1/processes/{process_id}/versions",
        "admin",
        data=xml,
        content_type="application/xml",
    )


def use_assigned(api: Api, assignee: str, **extra: str) -> None:
    """Deploy an approval whose assignee is ``assignee``; make sales invoices run it."""
    response = deploy(api, "assigned", assigned_approval("assigned", assignee, extra))
    assert response.status_code == 201, response.get_json()
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"process_id": "assigned"})


def submitted_i7(api: Api, ids: dict[str, int], as_: str = "clerk") -> int:
    document = i7_invoice(api, ids, as_=as_)
    api.ok("POST", f"/api/v1/documents/{document['id']}/submit", as_=as_)
    return int(document["id"])


def tasks_of(api: Api, username: str, document_id: int) -> list[dict[str, Any]]:
    listed = api.ok("GET", "/api/v1/tasks", as_=username)
    return [t for t in listed if t["document_id"] == document_id]


def add_user(api: Api, username: str, roles: list[str], **extra: Any) -> int:
    body = {"username": username, "password": f"{username}-secret", "roles": roles, **extra}
    return int(api.ok("POST", "/api/v1/users", body, status=201)["id"])


# four-eyes ----------------------------------------------------------------------------


def test_the_creator_may_not_approve_their_own_document(api: Api, ids: dict[str, int]) -> None:
    """Issue 12 §4: the admin works the approval lane, but not for a document it created:
    403 naming four-eyes; the task shows it as barred; another approver decides it."""
    document_id = submitted_i7(api, ids, as_="admin")
    task = task_of(api, document_id, "approval", "admin")
    assert task["barred"] is True
    response = api.post(f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"})
    assert response.status_code == 403
    assert "four-eyes" in response.get_json()["message"]
    assert api.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 403
    assert task_of(api, document_id, "approval", "approver")["barred"] is False
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="approver")
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] != "awaiting_approval"


def test_the_creator_may_not_be_handed_their_own_step(api: Api, ids: dict[str, int]) -> None:
    """Issue 12 §4: handing the approval over to the document's creator is refused (422)."""
    document_id = submitted_i7(api, ids)
    task = task_of(api, document_id, "approval", "approver")
    response = api.post(
        f"/api/v1/tasks/{task['id']}/assign", {"assignee_id": ids["admin"]}, as_="approver"
    )
    assert response.status_code == 200  # the admin did not create it: it may
    clerk_doc = submitted_i7(api, ids, as_="admin")
    task = task_of(api, clerk_doc, "approval", "approver")
    response = api.post(
        f"/api/v1/tasks/{task['id']}/assign", {"assignee_id": ids["admin"]}, as_="approver"
    )
    assert response.status_code == 422
    assert "four-eyes" in response.get_json()["errors"]["assignee_id"][0]


def test_a_step_declaring_four_eyes_false_lets_its_creator_decide(
    api: Api, ids: dict[str, int]
) -> None:
    """Issue 12 §4: the diagram decides; ``four_eyes="false"`` lets the creator approve."""
    response = deploy(
        api, "self_approved", assigned_approval("self_approved", "None", {"four_eyes": "false"})
    )
    assert response.status_code == 201, response.get_json()
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"process_id": "self_approved"})
    document_id = submitted_i7(api, ids, as_="admin")
    task = task_of(api, document_id, "approval", "admin")
    assert task["barred"] is False
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"})
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "posted"


# assignee expressions -----------------------------------------------------------------


def test_the_contacts_owner_gets_the_step_and_only_they_see_it(
    api: Api, ids: dict[str, int]
) -> None:
    """Issue 12 §4: ``owner(contact_id)``: the task is the owner's alone (personal), even
    though lane members (the admin) would otherwise see it; it cannot be released."""
    owner = add_user(api, "owner1", ["clerk"])
    api.ok("PATCH", f"/api/v1/contacts/{ids['sameri']}", {"owner_id": owner})
    use_assigned(api, "owner(contact_id)")
    document_id = submitted_i7(api, ids)
    [task] = tasks_of(api, "owner1", document_id)
    assert (task["assignee_id"], task["personal"]) == (owner, True)
    assert tasks_of(api, "admin", document_id) == []
    assert api.get(f"/api/v1/tasks/{task['id']}", as_="admin").status_code == 403
    assert api.post(f"/api/v1/tasks/{task['id']}/unclaim", as_="owner1").status_code == 409
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="owner1")
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "posted"


def test_the_creators_manager_gets_the_step(api: Api, ids: dict[str, int]) -> None:
    """Issue 12 §4: ``manager(author_id)`` reads the users' ``manager``."""
    boss = add_user(api, "boss", ["viewer"])
    api.ok("PATCH", "/api/v1/users/clerk", {"manager": "boss"})
    use_assigned(api, "manager(author_id)")
    document_id = submitted_i7(api, ids)
    [task] = tasks_of(api, "boss", document_id)
    assert task["assignee_id"] == boss
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="boss")


@pytest.mark.parametrize(
    ("assignee", "extra", "holder"),
    [
        ('user("numberer")', {}, "numberer"),
        ("author_id", {"four_eyes": "false"}, "clerk"),
        ('user("numberer") if total > 1000 else author_id', {}, "numberer"),
    ],
)
def test_a_named_user_or_the_creator_gets_the_step(
    api: Api, ids: dict[str, int], assignee: str, extra: dict[str, str], holder: str
) -> None:
    """Issue 12 §4: a named user, the creator, or a choice over the instance data."""
    use_assigned(api, assignee, **extra)
    document_id = submitted_i7(api, ids)
    [task] = tasks_of(api, holder, document_id)
    assert task["assignee_id"] == ids[holder]
    assert tasks_of(api, "approver", document_id) == []


@pytest.mark.parametrize("assignee", ["owner(contact_id)", "author_id"])
def test_no_owner_or_a_barred_creator_leaves_the_step_to_the_lane(
    api: Api, ids: dict[str, int], assignee: str
) -> None:
    """Issue 12 §4: a contact without an owner, or the creator on a four-eyes step: the
    task stays in the lane's pool, unassigned."""
    use_assigned(api, assignee)
    document_id = submitted_i7(api, ids)
    [task] = tasks_of(api, "approver", document_id)
    assert (task["assignee_id"], task["personal"]) == (None, False)


@pytest.mark.parametrize(
    ("props", "reason"),
    [
        ({"assignee": "owner(contact_id"}, "assignee"),
        ({"assignee": "boss(author_id)"}, "assignee"),
        ({"assignee": "author_id.manager"}, "assignee"),
        ({"four_eyes": "maybe"}, "four_eyes"),
        ({"ends_on": "reject"}, "ends_on"),
    ],
)
def test_a_bad_assignment_is_refused_naming_the_element(
    api: Api, props: dict[str, str], reason: str
) -> None:
    """Issue 12 §4: an assignee that does not compile (or a bad property) is a 422 naming
    the user task; nothing is deployed."""
    response = deploy(api, "bad_assignee", assigned_approval("bad_assignee", "None", props))
    assert response.status_code == 422
    message = response.get_json()["errors"]["bpmn"][0]
    assert "'assigned_approval'" in message and reason in message
    assert "bad_assignee" not in [p["process_id"] for p in api.ok("GET", "/api/v1/processes")]


def test_the_cartable_offers_the_creator_no_buttons_and_bulk_approval_refuses(
    app: Flask, api: Api, ids: dict[str, int]
) -> None:
    """Issue 12 §4: on the cartable page the admin sees its own document's approval
    without claim or decision buttons; bulk approval leaves it open, saying four-eyes."""
    own = submitted_i7(api, ids, as_="admin")
    other = submitted_i7(api, ids)
    admin = UiClient(app, "admin")
    page = admin.get("/cartable?cartable=approval").get_data(as_text=True)
    own_row = _row(page, own)
    assert "data-four-eyes" in own_row and 'name="decision"' not in own_row
    assert "data-four-eyes" not in _row(page, other) and 'name="decision"' in _row(page, other)
    tasks = [task_of(api, d, "approval", "admin")["id"] for d in (own, other)]
    admin.post("/cartable/bulk-approve", {"task_ids": [str(t) for t in tasks]}, status=302)
    shown = admin.get("/cartable").get_data(as_text=True)
    assert "four-eyes" in shown
    assert [t["id"] for t in tasks_of(api, "approver", own)] == [tasks[0]]
    assert tasks_of(api, "approver", other) == []


def _row(page: str, document_id: int) -> str:
    start = page.index(f'data-document-id="{document_id}"')
    return page[start : page.index("</tr>", start)]
