"""Journeys in a real browser: the I7 invoice through both cartables in the Persian UI,
an Arabic page laid out right to left, and a refused edit (C2, E1, E2, E4, I7, I11)."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

I7_TOTAL = "۹۸٬۱۰۰٬۰۰۰"  # 90,000,000 Rial + 9% tax, in Persian digits


def create_i7_invoice(page: Page) -> int:
    """Fill the Persian invoice form as a clerk would, save and send it; return its id."""
    page.goto("/documents/new?type=sales_invoice")
    page.select_option("select[name=contact_id]", label="علیرضا سامری")
    page.select_option("#lines-body select[name=product_id]", label="میز قابل تنظیم")
    page.fill("#lines-body input[name=quantity]", "۱")
    page.fill("#lines-body input[name=unit_price]", "۹۰٬۰۰۰٬۰۰۰")
    expect(page.locator("[data-total=total]")).to_have_text(I7_TOTAL)
    page.click("#save")
    page.wait_for_url(re.compile(r".*/documents/\d+$"))
    document_id = int(page.url.rsplit("/", 1)[1])
    page.click("#submit-document")
    expect(page.locator("#document-state")).to_have_text("در انتظار تأیید")
    return document_id


def approve_in_cartable(page: Page, document_id: int, cartable: str) -> None:
    """Approve the document's row from the cartable list."""
    page.goto(f"/cartable?cartable={cartable}")
    row = page.locator(f"tr[data-document-id='{document_id}']")
    row.locator("button[name=decision][value=approve]").click()
    page.wait_for_load_state()
    expect(page.locator(".msg-success")).to_be_visible()


def test_i7_invoice_is_created_approved_numbered_and_posted(
    new_page: Callable[[], Page],
) -> None:
    clerk, approver, numberer = new_page(), new_page(), new_page()
    sign_in(clerk, "clerk")
    document_id = create_i7_invoice(clerk)
    sign_in(approver, "approver")
    approve_in_cartable(approver, document_id, "approval")
    sign_in(numberer, "numberer")
    approve_in_cartable(numberer, document_id, "numbering")

    clerk.goto(f"/documents/{document_id}")
    expect(clerk.locator("#document-state")).to_have_text("ثبت شده")
    number = clerk.locator("#document-number").inner_text()
    assert number and not number.startswith("#"), number
    expect(clerk.locator("[data-total=total]")).to_have_text(I7_TOTAL)
    # The diagram: drawn by bpmn-js, the end event reached and marked on the path (E4).
    expect(clerk.locator("[data-bpmn-instance]")).to_have_attribute("data-ready", "true")
    expect(clerk.locator(".djs-element.done[data-element-id='posted']")).to_have_count(1)
    expect(clerk.locator(".djs-element.current")).to_have_count(0)


def test_arabic_page_renders_right_to_left(new_page: Callable[[], Page]) -> None:
    page = new_page()
    sign_in(page, "admin")
    page.locator("form.langswitch button[value=ar]").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    expect(page.locator("h1")).to_have_text("صندوق المهام")
    # Mirrored: the brand sits at the right edge, the tools at the left.
    brand = page.locator(".brand").bounding_box()
    tools = page.locator(".tools").bounding_box()
    assert brand and tools and brand["x"] > tools["x"]


def test_user_without_permission_gets_no_edit_button_and_a_refused_post(
    new_page: Callable[[], Page],
) -> None:
    clerk, numberer = new_page(), new_page()
    sign_in(clerk, "clerk")
    clerk.goto("/documents/new?type=sales_invoice")
    clerk.select_option("select[name=contact_id]", label="علیرضا سامری")
    clerk.select_option("#lines-body select[name=product_id]", label="میز قابل تنظیم")
    clerk.fill("#lines-body input[name=quantity]", "1")
    clerk.click("#save")
    clerk.wait_for_url(re.compile(r".*/documents/\d+$"))
    document_id = int(clerk.url.rsplit("/", 1)[1])
    expect(clerk.locator("#edit-document")).to_have_count(1)

    sign_in(numberer, "numberer")
    numberer.goto(f"/documents/{document_id}")
    expect(numberer.locator("#document-summary")).to_be_visible()
    expect(numberer.locator("#edit-document")).to_have_count(0)
    expect(numberer.locator("#delete-document")).to_have_count(0)
    token = numberer.locator("meta[name=csrf-token]").get_attribute("content")
    response = numberer.request.post(
        f"/documents/{document_id}",
        form={"csrf_token": token or "", "product_id": "1", "quantity": "5"},
    )
    assert response.status == 403


def test_statement_is_emailed_from_the_contact_page(new_page: Callable[[], Page]) -> None:
    """F9 in the Persian UI: the send form is prefilled with the contact's address; the
    queued message appears in the contact's messages with its status (C4, E5)."""
    page = new_page()
    sign_in(page, "accountant")
    page.goto("/contacts")
    page.get_by_role("link", name="علیرضا سامری").first.click()
    form = page.locator("#statement-send")
    expect(form.locator("input[name=recipient]")).to_have_value("sameri@example.com")
    form.locator("select[name=format]").select_option("xlsx")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".msg-success")).to_contain_text("sameri@example.com")
    row = page.locator("#messages tbody tr").first
    expect(row).to_contain_text("sameri@example.com")
    expect(row.locator(".badge")).to_have_text("در صف ارسال")
