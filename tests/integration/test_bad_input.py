"""Every bad input of issue 3 §8 gets a 4xx naming the field, and leaves nothing behind
(SPEC E3, I3, I5, I6, P4, T1, T3.3, C1)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from engine.models.documents import Document
from engine.models.ledger import LedgerEntry, Payment
from engine.models.workflow import ProcessInstance, ProcessVersion
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.flows import approve_and_number, field_errors, i7_invoice, task_of


def counts(uow: UnitOfWork) -> dict[str, int]:
    """Row counts of what a refused command must not have written."""
    with uow:
        return {
            model.__name__: uow.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Document, LedgerEntry, Payment, ProcessInstance, ProcessVersion)
        }


def invoice_body(ids: dict[str, int], **line: Any) -> dict[str, Any]:
    return {
        "type": "sales_invoice",
        "contact_id": ids["sameri"],
        "lines": [{"product_id": ids["desk"], "quantity": "1", "unit_price": "90000000", **line}],
    }


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"contact_id": 999_999}, "contact_id", "unknown"),
        ({"type": "no_such_type"}, "type", "unknown"),
        ({"lines": []}, "lines", "at least one"),
        ({"line": {"product_id": 999_999}}, "lines[0].product_id", "unknown"),
        ({"line": {"quantity": "0"}}, "lines[0].quantity", "greater than zero"),
        ({"line": {"quantity": "-2"}}, "lines[0].quantity", "greater than zero"),
        ({"line": {"quantity": "1.5"}}, "lines[0].quantity", "whole number"),
        ({"line": {"quantity": "abc"}}, "lines[0].quantity", "not a number"),
        ({"line": {"unit_price": "NaN"}}, "lines[0].unit_price", "finite"),
        ({"line": {"unit_price": "Infinity"}}, "lines[0].unit_price", "finite"),
        ({"line": {"unit_price": "1e999999"}}, "lines[0].unit_price", ""),
        ({"line": {"unit_price": "-5"}}, "lines[0].unit_price", ""),
        ({"line": {"discount": "100000000"}}, "lines[0].discount", ""),
    ],
)
def test_a_bad_document_is_refused_naming_the_field(
    api: Api, ids: dict[str, int], uow: UnitOfWork, change: dict[str, Any], field: str, reason: str
) -> None:
    body = invoice_body(ids, **change.pop("line", {}))
    body.update(change)
    before = counts(uow)

    response = api.post("/api/v1/documents", body, as_="clerk")

    assert response.status_code == 422, response.get_json()
    errors = field_errors(response)
    assert field in errors, errors
    assert reason in " ".join(errors[field]).lower(), errors
    assert counts(uow) == before


def test_a_sale_past_the_credit_limit_names_the_limit_and_the_exposure(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    """P4: «علیرضا سامری» may owe at most 500,000,000; six desks with tax are 588,600,000."""
    before = counts(uow)
    response = api.post("/api/v1/documents", invoice_body(ids, quantity="6"), as_="clerk")

    assert response.status_code == 422
    message = " ".join(field_errors(response)["credit_limit"])
    assert "500,000,000" in message and "exposure 588,600,000" in message, message
    assert counts(uow) == before


def test_a_return_larger_than_the_invoice_is_refused(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    invoice = approve_and_number(api, i7_invoice(api, ids)["id"])
    body = {
        "type": "sales_return",
        "contact_id": ids["sameri"],
        "source_id": invoice["id"],
        "lines": [{"product_id": ids["desk"], "quantity": "2", "unit_price": "90000000"}],
    }
    before = counts(uow)

    response = api.post("/api/v1/documents", body, as_="clerk")

    assert response.status_code == 422
    assert "left to return" in " ".join(field_errors(response)["lines[0].quantity"])
    assert counts(uow) == before


def test_a_return_needs_an_approved_invoice(api: Api, ids: dict[str, int]) -> None:
    draft = i7_invoice(api, ids)
    body = {
        "type": "sales_return",
        "contact_id": ids["sameri"],
        "source_id": draft["id"],
        "lines": [{"product_id": ids["desk"], "quantity": "1", "unit_price": "90000000"}],
    }
    response = api.post("/api/v1/documents", body, as_="clerk")
    assert response.status_code == 422
    assert "source_id" in field_errors(response)


def test_an_allocation_larger_than_what_is_open_is_refused(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    invoice = approve_and_number(api, i7_invoice(api, ids)["id"])
    before = counts(uow)
    body = {
        "contact_id": ids["sameri"],
        "amount": "100000000",
        "method": "cash",
        "allocations": [{"document_id": invoice["id"], "amount": "100000000"}],
    }

    response = api.post("/api/v1/payments", body, as_="accountant")

    assert response.status_code == 422
    assert "allocations[0].amount" in field_errors(response), response.get_json()
    assert counts(uow) == before
    assert api.ok("GET", f"/api/v1/documents/{invoice['id']}")["state"] == "posted"


def test_allocations_beyond_the_payment_amount_are_refused(api: Api, ids: dict[str, int]) -> None:
    invoice = approve_and_number(api, i7_invoice(api, ids)["id"])
    body = {
        "contact_id": ids["sameri"],
        "amount": "1000",
        "method": "cash",
        "allocations": [{"document_id": invoice["id"], "amount": "2000"}],
    }
    response = api.post("/api/v1/payments", body, as_="accountant")
    assert response.status_code == 422
    assert field_errors(response), response.get_json()


@pytest.mark.parametrize("amount", ["NaN", "-1", "0", "abc", "1e999999"])
def test_a_payment_amount_must_be_a_positive_finite_decimal(
    api: Api, ids: dict[str, int], uow: UnitOfWork, amount: str
) -> None:
    before = counts(uow)
    body = {"contact_id": ids["sameri"], "amount": amount, "method": "cash"}
    response = api.post("/api/v1/payments", body, as_="accountant")
    assert response.status_code == 422
    assert "amount" in field_errors(response), response.get_json()
    assert counts(uow) == before


def test_a_task_completed_by_someone_who_does_not_hold_it_is_forbidden(
    api: Api, ids: dict[str, int]
) -> None:
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    task = task_of(api, doc["id"], "approval", "approver")

    by_clerk = api.post(
        f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="clerk"
    )
    assert by_clerk.status_code == 403, by_clerk.get_json()

    api.ok("POST", f"/api/v1/tasks/{task['id']}/claim", as_="approver")
    by_admin = api.post(f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"})
    assert by_admin.status_code == 403, "a claimed task belongs to its holder"
    assert api.ok("GET", f"/api/v1/documents/{doc['id']}")["state"] == "awaiting_approval"


def test_a_task_completed_twice_is_a_conflict(api: Api, ids: dict[str, int]) -> None:
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    task = task_of(api, doc["id"], "approval", "approver")
    path = f"/api/v1/tasks/{task['id']}/complete"
    api.ok("POST", path, {"decision": "approve"}, as_="approver")

    again = api.post(path, {"decision": "approve"}, as_="approver")

    assert again.status_code == 409, again.get_json()
    history = api.ok("GET", f"/api/v1/documents/{doc['id']}/history")
    assert sum(e["action"] == "approved" for e in history) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "maybe"}, "decision"),
        ({"decision": "reject"}, "comment"),
        ({}, "decision"),
    ],
)
def test_a_bad_decision_is_refused(
    api: Api, ids: dict[str, int], body: dict[str, str], field: str
) -> None:
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    task = task_of(api, doc["id"], "approval", "approver")
    response = api.post(f"/api/v1/tasks/{task['id']}/complete", body, as_="approver")
    assert response.status_code == 422
    assert field in field_errors(response)
    assert api.ok("GET", f"/api/v1/documents/{doc['id']}")["state"] == "awaiting_approval"


def test_a_document_changed_by_two_users_at_once_is_a_conflict(
    api: Api, ids: dict[str, int]
) -> None:
    doc = i7_invoice(api, ids)
    seen = doc["lock_version"]
    first = {"notes": "first", "lock_version": seen}
    api.ok("PATCH", f"/api/v1/documents/{doc['id']}", first, as_="clerk")

    second = api.patch(
        f"/api/v1/documents/{doc['id']}", {"notes": "second", "lock_version": seen}, as_="admin"
    )

    assert second.status_code == 409, second.get_json()
    assert api.ok("GET", f"/api/v1/documents/{doc['id']}")["notes"] == "first"


MALFORMED_BPMN = [
    ("not xml at all", "start tag expected"),
    ("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>", ""),
    (
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
        "</bpmn:definitions>",
        "",
    ),
]


@pytest.mark.parametrize(("xml", "reason"), MALFORMED_BPMN)
def test_malformed_bpmn_is_refused_and_nothing_is_deployed(
    api: Api, uow: UnitOfWork, xml: str, reason: str
) -> None:
    before = counts(uow)
    response = api.call(
        "POST",
        "/api/v1/processes/document_approval/versions",
        "admin",
        data=xml.encode(),
        content_type="application/xml",
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert "passwd" not in response.get_data(as_text=True)
    assert reason in body["message"].lower() + " ".join(map(str, body.get("errors", {}).values()))
    assert counts(uow) == before


def test_unknown_ids_are_404_with_a_message(api: Api) -> None:
    for path in (
        "/api/v1/documents/999999",
        "/api/v1/contacts/999999",
        "/api/v1/products/999999",
        "/api/v1/process-instances/999999",
        "/api/v1/document-types/nope",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.get_json()["message"], path


def test_malformed_json_is_a_400_not_a_500(api: Api) -> None:
    response = api.call(
        "POST", "/api/v1/documents", "clerk", data=b"{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert response.get_json()["message"]


def test_without_a_token_the_api_answers_401(api: Api) -> None:
    response = api.call("GET", "/api/v1/documents", as_="")
    assert response.status_code == 401
    assert "Bearer" in response.get_json()["message"]
