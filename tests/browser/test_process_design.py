"""The designer's pages in the Persian UI: /processes, the diff of two versions, the
cockpit, and a version's diagram with the waiting tokens drawn on it (issue 13 §1, §4)."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import APIRequestContext, Page, expect

from engine.services.processes.deployment import BPMN_DIR
from tests.browser.conftest import sign_in
from tests.browser.test_journeys import create_i7_invoice

SHIPPED = (BPMN_DIR / "document_approval.bpmn").read_bytes()
EDITED = SHIPPED.replace(b'name="Approve document"', b'name="Approve the document"')


def deploy_edition(request: APIRequestContext) -> None:
    """Deploy version 2 through the API, as a designer's tool would."""
    token = request.post(
        "/api/v1/auth/token", data={"username": "admin", "password": "admin"}
    ).json()["token"]
    response = request.post(
        "/api/v1/processes/document_approval/versions?comment=renamed",
        data=EDITED,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml"},
    )
    assert response.status == 201, response.text()


def test_a_designer_sees_versions_the_diff_and_the_tokens_on_the_diagram(
    new_page: Callable[[], Page],
) -> None:
    clerk, designer = new_page(), new_page()
    sign_in(clerk, "clerk")
    create_i7_invoice(clerk)
    create_i7_invoice(clerk)
    deploy_edition(designer.request)

    sign_in(designer, "admin")
    designer.goto("/processes")
    versions = designer.locator("#process-document_approval tr[data-version]")
    expect(versions).to_have_count(2)
    expect(versions.nth(1).locator(".running")).to_have_text("۲")  # version 1, newest first
    expect(versions.nth(0)).to_contain_text("renamed")

    designer.locator("#process-document_approval .diff-form button").click()
    expect(designer.locator("#diff-changed tr[data-element='approve_document']")).to_contain_text(
        "Approve the document"
    )

    designer.goto("/process-instances?process_id=document_approval&version=1")
    expect(designer.locator("#instances tr[data-instance]")).to_have_count(2)

    designer.goto("/processes/document_approval/versions/1")
    expect(designer.locator("[data-bpmn-activity]")).to_have_attribute("data-ready", "true")
    badge = designer.locator(".overlay-badge.tokens[data-element='approve_document']")
    expect(badge).to_have_text("2")
    assert designer.evaluate("getComputedStyle(document.body).direction") == "rtl"
