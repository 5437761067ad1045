"""The designer's pages: /processes, a version's activity, the diff, the cockpit, the
cancel confirmation and the migration page (issue 13 §1, §4, §5)."""

from __future__ import annotations

from flask import Flask

from tests.integration.conftest import Api
from tests.integration.test_process_design import (
    SKIP_NUMBERING,
    deploy,
    instance_of,
    submitted_invoice,
)
from tests.integration.test_ui_flow import UiClient


def test_the_processes_page_lists_versions_with_their_counts(
    app: Flask, api: Api, ids: dict[str, int]
) -> None:
    submitted_invoice(api, ids)
    deploy(api, SKIP_NUMBERING, comment="no-numbering")
    page = UiClient(app, "admin").get("/processes").get_data(as_text=True)
    assert "no-numbering" in page and 'data-version="2"' in page
    assert "/processes/document_approval/versions/1/bpmn" in page
    assert UiClient(app, "clerk").get("/processes", status=403)


def test_the_version_activity_json_counts_the_waiting_invoice(
    app: Flask, api: Api, ids: dict[str, int]
) -> None:
    submitted_invoice(api, ids)
    ui = UiClient(app, "admin")
    assert "data-bpmn-activity" in ui.get("/processes/document_approval/versions/1").get_data(
        as_text=True
    )
    data = ui.get("/processes/document_approval/versions/1/activity.json").get_json()
    assert data["tokens"] == {"approve_document": 1}


def test_the_diff_page_names_the_changed_step(app: Flask, api: Api) -> None:
    deploy(api, SKIP_NUMBERING)
    page = UiClient(app, "admin").get("/processes/document_approval/diff?from=1&to=2")
    text = page.get_data(as_text=True)
    assert 'data-element="approve_document"' in text and "Approve the document" in text
    assert UiClient(app, "admin").get("/processes/document_approval/diff?from=x&to=2", status=422)


def test_the_cockpit_filters_and_the_cancel_page_names_the_outcome(
    app: Flask, api: Api, ids: dict[str, int]
) -> None:
    document_id = submitted_invoice(api, ids)
    instance_id = instance_of(api, document_id)["id"]
    ui = UiClient(app, "admin")
    listed = ui.get(f"/process-instances?document_id={document_id}").get_data(as_text=True)
    assert f'data-instance="{instance_id}"' in listed
    none = ui.get("/process-instances?status=completed").get_data(as_text=True)
    assert f'data-instance="{instance_id}"' not in none
    form = ui.get(f"/process-instances/{instance_id}/cancel").get_data(as_text=True)
    assert 'data-outcome="back_to_draft"' in form
    ui.post(f"/process-instances/{instance_id}/cancel", {"reason": "stuck"}, status=302)
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "draft"


def test_the_migration_page_dry_runs_migrates_and_reverts(
    app: Flask, api: Api, ids: dict[str, int]
) -> None:
    document_id = submitted_invoice(api, ids)
    deploy(api, SKIP_NUMBERING)
    ui = UiClient(app, "admin")
    path = "/processes/document_approval/migrations"
    ui.get(path)
    form = {"source": "1", "target": "2", "mapping": "{}"}
    dry = ui.post(path, {**form, "action": "dry_run"}, status=200).get_data(as_text=True)
    assert 'data-movable="true"' in dry and instance_of(api, document_id)["version"] == 1
    ui.post(path, {**form, "action": "migrate"}, status=200)
    assert instance_of(api, document_id)["version"] == 2
    [migration] = api.ok("GET", "/api/v1/process-migrations?process_id=document_approval")
    ui.post(f"{path}/{migration['id']}/revert", status=302)
    assert instance_of(api, document_id)["version"] == 1
    bad = ui.post(path, {**form, "mapping": "[1]", "action": "dry_run"})
    assert bad.status_code == 422
