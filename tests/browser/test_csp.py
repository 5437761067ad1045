"""Issue 10 #10: the shipped pages work under the Content-Security-Policy: no violation
in chromium's console on the cartable, a document with its bpmn-js diagram, a task, the
process instance, reports (Chart.js), contacts, the administration pages and the modeler."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import sign_in
from tests.browser.test_journeys import create_i7_invoice

CSP_ERROR = re.compile(r"Content Security Policy|Refused to (load|execute|apply|frame|connect)")
ADMIN_PAGES = ("/reports", "/contacts", "/bank", "/admin/users", "/admin/audit", "/me")


def _watch(page: Page, violations: list[str]) -> None:
    def record(message: ConsoleMessage) -> None:
        if CSP_ERROR.search(message.text):
            violations.append(f"{page.url}: {message.text}")

    page.on("console", record)


def test_pages_run_under_the_content_security_policy(new_page: Callable[[], Page]) -> None:
    clerk, admin = new_page(), new_page()
    violations: list[str] = []
    _watch(clerk, violations)
    _watch(admin, violations)
    sign_in(clerk, "clerk")
    document_id = create_i7_invoice(clerk)  # the form's live totals (htmx, app.js)
    diagram = clerk.locator("[data-bpmn-instance]")
    expect(diagram).to_have_attribute("data-ready", "true")  # bpmn-js drew the diagram
    found = re.search(
        r"/process-instances/(\d+)", diagram.get_attribute("data-bpmn-instance") or ""
    )
    assert found
    clerk.goto(f"/process-instances/{found.group(1)}")
    expect(clerk.locator("[data-bpmn-instance]")).to_have_attribute("data-ready", "true")
    sign_in(admin, "admin")
    admin.goto("/cartable?cartable=approval")
    admin.locator(f"tr[data-document-id='{document_id}'] a").first.click()
    expect(admin.locator("[data-bpmn-instance]")).to_have_attribute("data-ready", "true")
    for path in ADMIN_PAGES:
        admin.goto(path)
        admin.wait_for_load_state("networkidle")
    admin.goto("/processes/document_approval/modeler")  # issue 13 §2: one bundled script
    expect(admin.locator("[data-modeler]")).to_have_attribute("data-ready", "true")
    admin.locator("#validate-diagram").click()
    expect(admin.locator("[data-modeler]")).to_have_attribute("data-valid", "true")
    assert violations == []
    # The watch works: an injected inline script is refused and reported.
    admin.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.pwned = 1'; document.body.appendChild(s); }"
    )
    admin.wait_for_timeout(300)
    assert admin.evaluate("() => window.pwned") is None
    assert len(violations) == 1 and "inline script" in violations[0], violations
