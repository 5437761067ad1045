"""A step and a lane a designer declares in the diagram, deployed through the API only
(issue 12 §1-2): the task lists its decisions and fields, completing validates them, the
instance data and the history keep them; bad declarations are refused naming the element.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.services.processes._runs import restore_run
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user
from engine.services.users.roles import create_role
from engine.workflow import NO_OPERATORS
from tests.integration.conftest import Api
from tests.integration.declared import PROPS, ROLE, SHIPPED, review_diagram
from tests.integration.flows import i7_invoice, task_of
from tests.integration.test_process_versions import APPROVAL, deploy, version_count


@pytest.fixture
def reviewer(uow: UnitOfWork, ids: dict[str, int]) -> str:
    """A role made for the test (through the repository) and a member of it."""
    create_role(uow, code=ROLE, name="Reviewer", permissions=["view_all"], actor_id=ids["admin"])
    create_user(uow, username="reviewer1", password="reviewer1", roles=[ROLE])
    return "reviewer1"


@pytest.fixture
def review_task(api: Api, ids: dict[str, int], reviewer: str) -> tuple[int, dict[str, Any]]:
    """Deploy the review diagram, submit the I7 invoice; return it and the review task."""
    assert deploy(api, review_diagram()).status_code == 201
    document = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{document['id']}/submit", as_="clerk")
    return document["id"], task_of(api, document["id"], "review", reviewer)


def test_the_task_lists_the_declared_decisions_and_fields(
    api: Api, review_task: tuple[int, dict[str, Any]]
) -> None:
    """Issue 12 §1: GET /tasks/{id} lists decisions (labels, comment) and fields."""
    _, task = review_task
    shown = api.ok("GET", f"/api/v1/tasks/{task['id']}", as_="reviewer1")
    assert [d["id"] for d in shown["decisions"]] == ["pass", "escalate", "return"]
    assert shown["decisions"][1]["labels"] == {"en": "Escalate", "fa": "ارجاع"}
    assert [d["comment_required"] for d in shown["decisions"]] == [False, False, True]
    assert [(f["name"], f["type"], f["required"]) for f in shown["fields"]] == [
        ("risk", "choice", True),
        ("score", "decimal", False),
    ]
    assert shown["fields"][0]["options"] == ["low", "high"]
    assert shown["bulk_decision"] == "pass"


def test_only_the_lanes_role_works_it(api: Api, review_task: tuple[int, dict[str, Any]]) -> None:
    """Issue 12 §2: the lane names the reviewer role; an approver does not see its task."""
    _, task = review_task
    assert api.get(f"/api/v1/tasks/{task['id']}", as_="approver").status_code == 403
    listed = api.ok("GET", "/api/v1/tasks", as_="approver")
    assert task["id"] not in [t["id"] for t in listed]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "approve", "fields": {"risk": "low"}}, "decision"),
        ({"decision": "pass"}, "fields.risk"),
        ({"decision": "pass", "fields": {"risk": "medium"}}, "fields.risk"),
        ({"decision": "pass", "fields": {"risk": "low", "score": "1,5"}}, "fields.score"),
        ({"decision": "pass", "fields": {"risk": "low", "colour": "red"}}, "fields.colour"),
        ({"decision": "return", "fields": {"risk": "low"}}, "comment"),
    ],
)
def test_completing_validates_the_decision_and_fields(
    api: Api,
    uow: UnitOfWork,
    review_task: tuple[int, dict[str, Any]],
    body: dict[str, Any],
    field: str,
) -> None:
    """Issue 12 §1: an unknown decision or a missing/bad/unknown field is a 422 naming it."""
    _, task = review_task
    response = api.post(f"/api/v1/tasks/{task['id']}/complete", body, as_="reviewer1")
    assert response.status_code == 422
    assert field in str(response.get_json())
    assert api.ok("GET", f"/api/v1/tasks/{task['id']}", as_="reviewer1")["status"] == "open"


def test_a_decision_moves_on_and_is_kept_in_data_and_history(
    api: Api, uow: UnitOfWork, review_task: tuple[int, dict[str, Any]]
) -> None:
    """Issue 12 §1: the chosen id and the typed fields join the instance data; the history
    writes the decision's event; the process goes on to the shipped approval step."""
    document_id, task = review_task
    body = {"decision": "escalate", "fields": {"risk": "high", "score": "12.50"}}
    done = api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", body, as_="reviewer1")
    assert done["decision"] == "escalate"
    history = api.ok("GET", f"/api/v1/documents/{document_id}/history")
    assert [e["action"] for e in history][-1] == "escalated"
    approval = task_of(api, document_id, "approval", "approver")
    assert approval["element_id"] == "approve_document"
    with uow:
        instance = uow.processes.get(approval["instance_id"])
        (ready,) = restore_run(uow, instance, NO_OPERATORS).ready_user_tasks()
    assert ready.element_id == "approve_document"
    assert ready.data["risk"] == "high" and ready.data["decision"] == "escalate"
    assert ready.data["score"] == Decimal("12.50")


def test_the_return_decision_routes_back_to_the_author(
    api: Api, review_task: tuple[int, dict[str, Any]]
) -> None:
    """Issue 12 §1: the diagram's gateway reads the decision id the step stored."""
    document_id, task = review_task
    body = {"decision": "return", "comment": "check the price", "fields": {"risk": "low"}}
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", body, as_="reviewer1")
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "draft"


BAD = [
    (review_diagram(role="finance"), ["review_lane", "finance"]),
    (review_diagram({**PROPS, "decision.pass.label.en": ""}), ["review_document", "'pass'"]),
    (review_diagram({**PROPS, "field.score.type": "money"}), ["review_document", "money"]),
    (
        review_diagram({**PROPS, "decisions": "pass escalate pass"}),
        ["review_document", "'pass' is declared twice"],
    ),
    (review_diagram({**PROPS, "bulk": "approve"}), ["review_document", "bulk"]),
    (review_diagram({**PROPS, "decision.pass.colour": "x"}), ["review_document", "colour"]),
]


@pytest.mark.parametrize(("xml", "named"), BAD)
def test_a_bad_declaration_is_refused_naming_the_element(
    api: Api, uow: UnitOfWork, reviewer: str, xml: bytes, named: list[str]
) -> None:
    """Issue 12 §1-3: unknown role, unlabelled decision, unknown field type, duplicate
    decision, a bulk or property naming nothing: 422 naming the element; nothing stored."""
    before = version_count(uow)
    response = deploy(api, xml)
    assert response.status_code == 422, response.get_json()
    message = str(response.get_json())
    assert all(part in message for part in named), message
    assert version_count(uow) == before
    assert api.ok("GET", f"{APPROVAL}")[0]["version"] == 1  # the shipped one stays current


def test_a_rollback_gives_the_lane_back_its_roles(
    api: Api, ids: dict[str, int], reviewer: str
) -> None:
    """Issue 12 §2: a cartable means what the current diagram declares; after a rollback
    to the shipped version the role the newer version added no longer works the lane."""
    shipped = SHIPPED.encode()
    widened = shipped.replace(b'value="approver admin"', b'value="approver admin reviewer"')
    assert widened != shipped
    assert deploy(api, widened).status_code == 201
    document = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{document['id']}/submit", as_="clerk")
    task = task_of(api, document["id"], "approval", reviewer)
    assert deploy(api, shipped).status_code < 300  # the shipped version is current again
    assert api.get(f"/api/v1/tasks/{task['id']}", as_=reviewer).status_code == 403
    assert api.ok("GET", f"/api/v1/tasks/{task['id']}", as_="approver")["id"] == task["id"]
