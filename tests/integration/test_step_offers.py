"""Pages offer exactly what the diagram declares (issue 11 §1, issue 12 §1; C2, Q3).

The cartable's decide buttons, its bulk approval and the release button come from the
task view, which reads the task's diagram's declarations; the services refuse the rest.
"""

from __future__ import annotations

import re
from typing import Any

from engine.services.processes.deployment import BPMN_DIR
from engine.workflow.declarations import read_declarations
from tests.integration.conftest import Api
from tests.integration.test_ui_flow import created_id, i7_form, task_row, ui  # noqa: F401

BUTTON = re.compile(r'<button class="small (\w+)" type="submit" name="decision" value="(\w+)">')


def _row(page: str, task_id: int) -> str:
    start = page.index(f'data-task-id="{task_id}"')
    return page[start : page.index("</tr>", start)]


def _waiting_for_approval(clerk: Any, approver: Any, ids: dict[str, int]) -> tuple[int, str]:
    """Submit the I7 invoice as the clerk; return its id and the approver's cartable page."""
    document_id = created_id(clerk.post("/documents", i7_form(ids), status=302))
    clerk.post(f"/documents/{document_id}/submit", status=302)
    return document_id, approver.get("/cartable?cartable=approval").get_data(as_text=True)


def test_approval_row_offers_the_registrys_decisions(
    ui: Any,  # noqa: F811
    ids: dict[str, int],
) -> None:
    """Issue 12 §1 (C2): one button per declared decision; the comment-needing one is danger."""
    clerk, approver = ui("clerk"), ui("approver")
    document_id, page = _waiting_for_approval(clerk, approver, ids)
    row = _row(page, task_row(page, document_id))
    shipped = read_declarations({p.name: p.read_bytes() for p in BPMN_DIR.glob("*.bpmn")})
    step = shipped.step("approve_document")
    assert step is not None
    expected = [("danger" if d.needs_comment else "primary", d.value) for d in step.decisions]
    assert [(m.group(1), m.group(2)) for m in BUTTON.finditer(row)] == expected


def test_quote_step_is_not_decided_nor_bulk_approved_in_the_cartable(
    ui: Any,  # noqa: F811
    ids: dict[str, int],
    api: Api,
) -> None:
    """Issue 11 §1 (C2, Q3): confirming is the document's command: no decide form, no bulk."""
    clerk = ui("clerk")
    form = {**i7_form(ids), "type": "sales_quote"}
    document_id = created_id(clerk.post("/documents", form, status=302))
    clerk.post(f"/documents/{document_id}/submit", status=302)
    page = clerk.get("/cartable?cartable=sales").get_data(as_text=True)
    task_id = task_row(page, document_id)
    assert 'name="decision"' not in _row(page, task_id)
    clerk.post("/cartable/bulk-approve", {"task_ids": [str(task_id)]}, status=302)
    flashed = clerk.get("/cartable").get_data(as_text=True)
    assert '<div class="msg msg-error">' in flashed  # "Not approved: ..." for that row
    assert api.ok("GET", f"/api/v1/tasks/{task_id}")["status"] == "open"
    # the cartable API refuses the approval words on this step; its own decision passes
    body = api.ok("POST", f"/api/v1/tasks/{task_id}/complete", {"decision": "approve"}, status=422)
    assert "decision" in str(body)
    state = api.ok("GET", f"/api/v1/documents/{document_id}")["state"]
    api.ok("POST", f"/api/v1/documents/{document_id}/confirm")
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] != state


def test_the_authors_own_task_offers_no_release(
    ui: Any,  # noqa: F811
    ids: dict[str, int],
) -> None:
    """Issue 11 §1 (C2): the author lane's task is the creator's; it shows no Release."""
    clerk, approver = ui("clerk"), ui("approver")
    document_id, page = _waiting_for_approval(clerk, approver, ids)
    task_id = task_row(page, document_id)
    approver.post(f"/tasks/{task_id}/complete", {"decision": "reject", "comment": "x"}, status=302)
    page = clerk.get("/cartable").get_data(as_text=True)
    own = task_row(page, document_id)
    row = _row(page, own)
    assert "/unclaim" not in row and 'name="decision"' not in row
    clerk.post(f"/tasks/{own}/unclaim", status=409)
