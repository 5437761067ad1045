"""PATCH /api/v1/documents/{id} is partial (issue 11 §1 "PATCH is not partial"; SPEC
T3.8, T3.18).

Lines replace the lines, additions the additions, overrides the hand-typed totals; a
part not sent stays as it is. Before, additions or overrides sent without lines were
dropped without a word, and lines sent alone wiped the additions.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import Api
from tests.integration.flows import i7_invoice, task_of

SHIPPING = {"name": "Shipping", "kind": "fixed", "value": "1000000"}
APPROVE = {"decision": "approve"}


@pytest.fixture
def editable_totals(api: Api) -> None:
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"totals_editable": True})


def lines_of(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(ln["product_id"], ln["quantity"], ln["unit_price"]) for ln in doc["lines"]]


def patch(api: Api, document_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return api.ok("PATCH", f"/api/v1/documents/{document_id}", body, as_="clerk")  # type: ignore[no-any-return]


def test_additions_alone_are_applied_over_the_current_lines(api: Api, ids: dict[str, int]) -> None:
    """Issue 11 §1: a PATCH with only additions keeps the lines and adds the charge."""
    doc = i7_invoice(api, ids)

    edited = patch(api, doc["id"], {"additions": [SHIPPING]})

    assert lines_of(edited) == lines_of(doc)
    assert [a["name"] for a in edited["additions"]] == ["Shipping"]
    assert edited["totals"]["additions"] == "1000000"
    assert edited["totals"]["subtotal"] == doc["totals"]["subtotal"]
    assert edited["totals"]["total"] != doc["totals"]["total"]


def test_overrides_alone_are_applied_over_the_current_lines(
    api: Api, ids: dict[str, int], editable_totals: None
) -> None:
    """Issue 11 §1, T3.18: a PATCH with only overrides sets the hand-typed tax."""
    doc = i7_invoice(api, ids)

    edited = patch(api, doc["id"], {"overrides": {"tax": "5000000"}})

    assert lines_of(edited) == lines_of(doc)
    assert edited["overrides"]["tax"] == "5000000"
    assert edited["totals"]["tax"] == "5000000"


def test_overrides_alone_on_a_type_without_editable_totals_are_refused(
    api: Api, ids: dict[str, int]
) -> None:
    """Issue 11 §1, T3.18: no longer dropped silently; a 422 names the field."""
    doc = i7_invoice(api, ids)

    response = api.patch(f"/api/v1/documents/{doc['id']}", {"overrides": {"tax": "1"}}, as_="clerk")

    assert response.status_code == 422, response.get_json()
    assert "overrides" in response.get_json()["errors"]
    after = api.ok("GET", f"/api/v1/documents/{doc['id']}")
    assert after["totals"] == doc["totals"] and after["lock_version"] == doc["lock_version"]


def test_nothing_sent_is_lost(api: Api, ids: dict[str, int], editable_totals: None) -> None:
    """Issue 11 §1: lines alone keep additions and overrides; notes alone keep all three."""
    doc = i7_invoice(api, ids)
    patch(api, doc["id"], {"additions": [SHIPPING], "overrides": {"tax": "5000000"}})
    lines = [{"product_id": ids["chair"], "quantity": "2", "unit_price": "3000000"}]

    relined = patch(api, doc["id"], {"lines": lines})
    assert lines_of(relined) == [(ids["chair"], "2", "3000000")]
    assert [a["name"] for a in relined["additions"]] == ["Shipping"]
    assert relined["overrides"]["tax"] == "5000000"

    noted = patch(api, doc["id"], {"notes": "call first"})
    assert noted["notes"] == "call first"
    assert lines_of(noted) == lines_of(relined)
    assert noted["additions"] == relined["additions"]
    assert noted["totals"] == relined["totals"] and noted["overrides"] == relined["overrides"]

    cleared = patch(api, doc["id"], {"additions": [], "overrides": None})
    assert cleared["additions"] == [] and cleared["overrides"]["tax"] is None
    assert lines_of(cleared) == lines_of(relined)


def test_a_bad_addition_sent_alone_writes_nothing(api: Api, ids: dict[str, int]) -> None:
    """Issue 11 §1: a 422 naming the field, the document as it was."""
    doc = i7_invoice(api, ids)
    bad = {**SHIPPING, "kind": "percent", "basis": "nowhere"}

    response = api.patch(f"/api/v1/documents/{doc['id']}", {"additions": [bad]}, as_="clerk")

    assert response.status_code == 422, response.get_json()
    assert any(k.startswith("additions") for k in response.get_json()["errors"])
    after = api.ok("GET", f"/api/v1/documents/{doc['id']}")
    assert after["additions"] == [] and after["totals"] == doc["totals"]


def test_additions_alone_on_an_approved_document_send_it_back_to_approval(
    api: Api, ids: dict[str, int]
) -> None:
    """Issue 11 §1 with issue 10 #2: an addition changes what was approved (IN_APPROVAL)."""
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    task = task_of(api, doc["id"], "approval", "approver")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", APPROVE, as_="approver")
    numbering = task_of(api, doc["id"], "numbering", "numberer")

    edited = patch(api, doc["id"], {"additions": [SHIPPING]})

    assert edited["state"] == "awaiting_approval"
    stale = api.post(f"/api/v1/tasks/{numbering['id']}/complete", APPROVE, as_="numberer")
    assert stale.status_code == 409, stale.get_json()
    again = task_of(api, doc["id"], "approval", "approver")
    assert again["document_id"] == doc["id"]
