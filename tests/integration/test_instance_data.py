"""The instance data a diagram can test (issue 12 §3): every document's instance holds
``document_id``, ``type``, ``contact_id``, ``author_id`` and ``total`` (a Decimal), and
``total`` follows edits, so a gateway deployed through the API routes on the current total.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.services.processes._runs import restore_run
from engine.services.unit_of_work import UnitOfWork
from engine.workflow import NO_OPERATORS
from tests.integration.conftest import Api
from tests.integration.diagrams import approval_lane_process
from tests.integration.flows import i7_invoice, task_of

LIMIT = Decimal(100000000)

ROUTING = approval_lane_process(
    "amount_routing",
    ["big_review", "small_review"],
    f"""
    <bpmn:sequenceFlow id="f2" sourceRef="mark_awaiting_approval" targetRef="amount_gate"/>
    <bpmn:exclusiveGateway id="amount_gate" default="to_small"/>
    <bpmn:sequenceFlow id="to_big" sourceRef="amount_gate" targetRef="big_review">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        >total &gt; {LIMIT}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_small" sourceRef="amount_gate" targetRef="small_review"/>
    <bpmn:userTask id="big_review" name="Review a big amount"/>
    <bpmn:userTask id="small_review" name="Review a small amount"/>
    <bpmn:sequenceFlow id="f3" sourceRef="big_review" targetRef="done"/>
    <bpmn:sequenceFlow id="f4" sourceRef="small_review" targetRef="done"/>
    <bpmn:endEvent id="done"/>""",
)


@pytest.fixture
def routing(api: Api) -> None:
    """Deploy the amount gateway through the API and make sales invoices use it."""
    response = api.call(
        "POST",
        "/api/v1/processes/amount_routing/versions",
        "admin",
        data=ROUTING,
        content_type="application/xml",
    )
    assert response.status_code == 201, response.get_json()
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"process_id": "amount_routing"})


def total_of(doc: dict[str, Any]) -> Decimal:
    return Decimal(doc["totals"]["total"])


def desks(api: Api, ids: dict[str, int], document_id: int, quantity: str) -> dict[str, Any]:
    """PATCH the invoice's one line to ``quantity`` desks (as the admin: may edit anything)."""
    line = {"product_id": ids["desk"], "quantity": quantity, "unit_price": "90000000"}
    return api.ok("PATCH", f"/api/v1/documents/{document_id}", {"lines": [line]})  # type: ignore[no-any-return]


def submit(api: Api, document_id: int) -> str:
    """Submit and return the element id of the step the gateway chose."""
    api.ok("POST", f"/api/v1/documents/{document_id}/submit", as_="clerk")
    return str(task_of(api, document_id, "approval", "approver")["element_id"])


def ready_data(uow: UnitOfWork, instance_id: int) -> dict[str, object]:
    """Return the data of the instance's one ready user task, as stored."""
    with uow:
        run = restore_run(uow, uow.processes.get(instance_id), NO_OPERATORS)
        [task] = run.ready_user_tasks()
        return dict(task.data)


def test_a_document_below_the_limit_goes_to_the_small_review(
    api: Api, ids: dict[str, int], routing: None
) -> None:
    doc = i7_invoice(api, ids)
    assert total_of(doc) < LIMIT

    assert submit(api, doc["id"]) == "small_review"


def test_a_document_above_the_limit_goes_to_the_big_review(
    api: Api, ids: dict[str, int], routing: None
) -> None:
    doc = i7_invoice(api, ids)
    big = desks(api, ids, doc["id"], "2")
    assert total_of(big) > LIMIT

    assert submit(api, doc["id"]) == "big_review"


def test_the_instance_holds_the_document_with_its_total_as_a_decimal(
    api: Api, ids: dict[str, int], uow: UnitOfWork, routing: None
) -> None:
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    task = task_of(api, doc["id"], "approval", "approver")

    data = ready_data(uow, task["instance_id"])

    assert data["document_id"] == doc["id"]
    assert data["type"] == "sales_invoice"
    assert data["contact_id"] == ids["sameri"]
    assert data["author_id"] == ids["clerk"]
    assert isinstance(data["total"], Decimal)
    assert data["total"] == total_of(doc)


def test_an_edit_during_approval_routes_again_on_the_new_total(
    api: Api, ids: dict[str, int], uow: UnitOfWork, routing: None
) -> None:
    """The running instance's total follows the edit: the diagram, asked again, sends
    the now bigger document to the big review."""
    doc = i7_invoice(api, ids)
    assert submit(api, doc["id"]) == "small_review"

    edited = desks(api, ids, doc["id"], "3")

    task = task_of(api, doc["id"], "approval", "approver")
    assert task["element_id"] == "big_review"
    assert ready_data(uow, task["instance_id"])["total"] == total_of(edited)


def test_an_invoice_made_from_an_order_is_the_data_of_its_approval(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    """Its approval (a call activity of quote_to_invoice) tests the invoice's own type,
    id and total, not the order's."""
    lines = [{"product_id": ids["desk"], "quantity": "2", "unit_price": "1000"}]
    body = {"type": "sales_quote", "contact_id": ids["sameri"], "lines": lines}
    quote = api.ok("POST", "/api/v1/documents", body, as_="clerk", status=201)
    api.ok("POST", f"/api/v1/documents/{quote['id']}/submit", as_="clerk")
    api.ok("POST", f"/api/v1/documents/{quote['id']}/confirm", as_="clerk")
    api.ok("POST", f"/api/v1/documents/{quote['id']}/deliver", as_="admin")
    invoices = api.ok("GET", f"/api/v1/documents?type=sales_invoice&contact_id={ids['sameri']}")
    [invoice] = [d for d in invoices if d["source_id"] == quote["id"]]
    task = task_of(api, invoice["id"], "approval", "approver")

    data = ready_data(uow, task["instance_id"])

    assert data["document_id"] == invoice["id"] != quote["id"]
    assert data["type"] == "sales_invoice"
    assert data["author_id"] == ids["clerk"]
    assert data["total"] == total_of(invoice)
    assert data["quote_id"] == quote["id"]
