"""Multi-level and N-of-M approvals (issue 12 §5), through the API only: the shipped approval
diagram's finance level above a per-type threshold (off by default), an amount gateway to a
second level deployed through the API, and a board's 2-of-3 parallel approval whose
instances go one to each member; bad completion conditions are refused naming the element."""

from __future__ import annotations

from typing import Any

import pytest

from engine.services.processes.deployment import BPMN_DIR
from tests.integration.conftest import Api
from tests.integration.flows import i7_invoice, task_of
from tests.integration.test_assignment import add_user, deploy, submitted_i7, tasks_of
from tests.people_diagrams import BOARD_ROLE, board_approval

SHIPPED = (BPMN_DIR / "document_approval.bpmn").read_bytes()


def approve(api: Api, task: dict[str, Any], as_: str, **extra: Any) -> Any:
    body = {"decision": "approve", **extra}
    return api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", body, as_=as_)


def history(api: Api, document_id: int) -> list[tuple[str, int | None]]:
    events = api.ok("GET", f"/api/v1/documents/{document_id}/history")
    return [(e["action"], e["actor_id"]) for e in events]


# the finance level --------------------------------------------------------------------


@pytest.fixture
def finance_user(api: Api) -> str:
    add_user(api, "cfo", ["finance_approver"])
    return "cfo"


def test_the_finance_level_is_off_by_default(api: Api, ids: dict[str, int]) -> None:
    """Issue 12 §5: no type sets a threshold; an approved document goes on to numbering."""
    assert all(t["finance_approval_above"] is None for t in api.ok("GET", "/api/v1/document-types"))
    document_id = submitted_i7(api, ids)
    approve(api, task_of(api, document_id, "approval", "approver"), "approver")
    assert task_of(api, document_id, "numbering", "numberer")["element_id"] == "number_document"


def test_a_total_above_the_threshold_needs_a_finance_approval(
    api: Api, ids: dict[str, int], finance_user: str
) -> None:
    """Issue 12 §5: above ``finance_approval_above`` the approved document goes to the
    finance lane (the finance role), then to numbering; both decisions are in the history."""
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"finance_approval_above": "50000000"})
    document_id = submitted_i7(api, ids)  # 90,000,000 Rial
    approve(api, task_of(api, document_id, "approval", "approver"), "approver")
    assert tasks_of(api, "approver", document_id) == []
    task = task_of(api, document_id, "finance", finance_user)
    assert task["element_id"] == "approve_finance"
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "awaiting_approval"
    approve(api, task, finance_user)
    task_of(api, document_id, "numbering", "numberer")
    actions = [action for action, _ in history(api, document_id)]
    assert actions.index("approved") < actions.index("finance_approved")


def test_a_total_within_the_threshold_skips_the_finance_level(
    api: Api, ids: dict[str, int], finance_user: str
) -> None:
    """Issue 12 §5: 90,000,000 Rial is not above 100,000,000: no finance step."""
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"finance_approval_above": "100000000"})
    document_id = submitted_i7(api, ids)
    approve(api, task_of(api, document_id, "approval", "approver"), "approver")
    assert tasks_of(api, finance_user, document_id) == []
    task_of(api, document_id, "numbering", "numberer")


def test_a_finance_reject_returns_the_draft(
    api: Api, ids: dict[str, int], finance_user: str
) -> None:
    """Issue 12 §5: the finance level rejects like the first: back to its author."""
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"finance_approval_above": "0"})
    document_id = submitted_i7(api, ids)
    approve(api, task_of(api, document_id, "approval", "approver"), "approver")
    task = task_of(api, document_id, "finance", finance_user)
    body = {"decision": "reject", "comment": "too large"}
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", body, as_=finance_user)
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "draft"


@pytest.mark.parametrize("value", ["-1", "abc"])
def test_a_bad_threshold_is_refused(api: Api, value: str) -> None:
    """Issue 12 §5: the threshold is an amount of 0 or more (422 naming it)."""
    response = api.patch("/api/v1/document-types/sales_invoice", {"finance_approval_above": value})
    assert response.status_code == 422
    assert "finance_approval_above" in response.get_json()["errors"]


def test_an_amount_gateway_to_a_second_level_deployed_through_the_api(
    api: Api, ids: dict[str, int]
) -> None:
    """Issue 12 §5 (done when): a designer's edition of the approval diagram, deployed
    through the API, sends totals above 50,000,000 to a second level worked by a new role."""
    api.ok("POST", "/api/v1/roles", {"code": "cfo", "name": "CFO"}, status=201)
    add_user(api, "cfo1", ["cfo"])
    xml = SHIPPED.replace(b'value="finance_approver admin"', b'value="cfo"').replace(
        b"finance_approval_above is not None and total &gt; finance_approval_above",
        b"total &gt; 50000000",
    )
    response = api.call(
        "POST",
        "/api/v1/processes/document_approval/versions",
        "admin",
        data=xml,
        content_type="application/xml",
    )
    assert response.status_code == 201, response.get_json()
    small = i7_invoice(
        api,
        ids,
        lines=[{"product_id": ids["desk"], "quantity": "1", "unit_price": "40000000"}],
    )
    api.ok("POST", f"/api/v1/documents/{small['id']}/submit", as_="clerk")
    big = submitted_i7(api, ids)
    for document_id in (small["id"], big):
        approve(api, task_of(api, document_id, "approval", "approver"), "approver")
    assert tasks_of(api, "cfo1", small["id"]) == []
    approve(api, task_of(api, big, "finance", "cfo1"), "cfo1")
    task_of(api, big, "numbering", "numberer")


# 2 of 3 -------------------------------------------------------------------------------


@pytest.fixture
def board_role(api: Api) -> str:
    api.ok("POST", "/api/v1/roles", {"code": BOARD_ROLE, "name": "Board"}, status=201)
    return BOARD_ROLE


@pytest.fixture
def board(api: Api, board_role: str) -> dict[str, int]:
    """A board role and its three members, made through the API; sales invoices go to the
    board's 2-of-3 approval, deployed through the API."""
    members = {name: add_user(api, name, [BOARD_ROLE]) for name in ("d1", "d2", "d3")}
    assert deploy(api, "board_approval", board_approval()).status_code == 201
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"process_id": "board_approval"})
    return members


def own_task(api: Api, member: str, document_id: int) -> dict[str, Any]:
    [task] = tasks_of(api, member, document_id)
    return task


def test_each_member_gets_an_instance_of_their_own(
    api: Api, ids: dict[str, int], board: dict[str, int]
) -> None:
    """Issue 12 §5: one instance per member of the role, each the member's alone."""
    document_id = submitted_i7(api, ids)
    tasks = {name: own_task(api, name, document_id) for name in board}
    assert {name: t["assignee_id"] for name, t in tasks.items()} == board
    assert all(t["personal"] and t["element_id"] == "board_vote" for t in tasks.values())
    assert len({t["id"] for t in tasks.values()}) == 3
    assert api.get(f"/api/v1/tasks/{tasks['d2']['id']}", as_="d1").status_code == 403
    response = api.post(
        f"/api/v1/tasks/{tasks['d2']['id']}/complete", {"decision": "approve"}, as_="d1"
    )
    assert response.status_code == 403


def test_two_approvals_of_three_pass_the_document(
    api: Api, ids: dict[str, int], board: dict[str, int]
) -> None:
    """Issue 12 §5: the completion condition ``votes["approve"] >= 2``; the third member's
    instance is withdrawn; each decision is in the history, by its member."""
    document_id = submitted_i7(api, ids)
    approve(api, own_task(api, "d1", document_id), "d1")
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "awaiting_approval"
    approve(api, own_task(api, "d3", document_id), "d3")
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "posted"
    assert tasks_of(api, "d2", document_id) == []
    approvals = [actor for action, actor in history(api, document_id) if action == "approved"]
    assert approvals == [board["d1"], board["d3"]]


def test_a_reject_ends_the_step_at_once(
    api: Api, ids: dict[str, int], board: dict[str, int]
) -> None:
    """Issue 12 §5: a reject ends the step (the default): back to draft, the other
    instances withdrawn, both decisions in the history."""
    document_id = submitted_i7(api, ids)
    approve(api, own_task(api, "d1", document_id), "d1")
    task = own_task(api, "d2", document_id)
    body = {"decision": "reject", "comment": "not now"}
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", body, as_="d2")
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "draft"
    assert tasks_of(api, "d3", document_id) == []
    actions = [action for action, _ in history(api, document_id)]
    assert "approved" in actions and "rejected" in actions


def test_a_resubmitted_document_opens_the_step_again(
    api: Api, ids: dict[str, int], board: dict[str, int]
) -> None:
    """Issue 12 §5: after a reject and a resubmission every member gets a new instance."""
    document_id = submitted_i7(api, ids)
    task = own_task(api, "d1", document_id)
    body = {"decision": "reject", "comment": "fix it"}
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", body, as_="d1")
    api.ok("POST", f"/api/v1/documents/{document_id}/submit", as_="clerk")
    assert all(own_task(api, name, document_id)["status"] == "open" for name in board)


def test_the_creator_is_no_member_of_a_four_eyes_vote(
    api: Api, ids: dict[str, int], board_role: str
) -> None:
    """Issue 12 §4-5: a board member who created the document gets no instance of it."""
    for name in ("d1", "d2"):
        add_user(api, name, [BOARD_ROLE])
    add_user(api, "d3", [BOARD_ROLE, "clerk"])
    assert deploy(api, "board_approval", board_approval()).status_code == 201
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"process_id": "board_approval"})
    document_id = submitted_i7(api, ids, as_="d3")
    assert tasks_of(api, "d3", document_id) == []
    approve(api, own_task(api, "d1", document_id), "d1")
    approve(api, own_task(api, "d2", document_id), "d2")
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "posted"


def test_a_listed_vote_with_ends_on_none_counts_every_decision(
    api: Api, ids: dict[str, int], board_role: str
) -> None:
    """Issue 12 §5: "per user of a list", and the diagram saying otherwise: with
    ``ends_on`` empty a reject does not end the step; two approvals still pass it."""
    xml = board_approval(
        "listed_vote",
        members='[user("approver"), user("numberer"), user("accountant")]',
        extra={"ends_on": ""},
    )
    assert deploy(api, "listed_vote", xml).status_code == 201
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"process_id": "listed_vote"})
    document_id = submitted_i7(api, ids)
    task = own_task(api, "numberer", document_id)
    body = {"decision": "reject", "comment": "no"}
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", body, as_="numberer")
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "awaiting_approval"
    approve(api, own_task(api, "approver", document_id), "approver")
    approve(api, own_task(api, "accountant", document_id), "accountant")
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "posted"


@pytest.mark.parametrize(
    ("kwargs", "element"),
    [
        ({"condition": 'votes["approve"] >='}, "board_vote"),
        ({"condition": "votes.approve >= 2"}, "board_vote"),
        ({"members": 'role("board"'}, "board_vote"),
        ({"members": "__import__('os')"}, "board_vote"),
        ({"extra": {"ends_on": "abstain"}}, "board_vote"),
    ],
)
def test_a_bad_vote_is_refused_naming_the_element(
    api: Api, board_role: str, kwargs: dict[str, Any], element: str
) -> None:
    """Issue 12 §5: a completion condition or members expression that does not compile is
    a 422 naming the user task; nothing is deployed."""
    response = deploy(api, "bad_vote", board_approval("bad_vote", **kwargs))
    assert response.status_code == 422
    assert f"'{element}'" in response.get_json()["errors"]["bpmn"][0]
    assert "bad_vote" not in [p["process_id"] for p in api.ok("GET", "/api/v1/processes")]
