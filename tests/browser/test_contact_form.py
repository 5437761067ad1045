"""The contact form in a real browser (issue 14 §8): Persian, right to left; the customer
fields hide for a supplier; an empty credit limit is unlimited; a bad value is marked and
nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in


def test_a_contact_is_made_and_edited_on_its_form(
    new_page: Callable[[], Page], tmp_path: Path
) -> None:
    page = new_page()
    sign_in(page, "admin")
    page.goto("/contacts")
    page.locator("#contact-new").click()
    page.wait_for_load_state()
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    form = page.locator("form#contact-form")
    customer_fields = form.locator("#customer-fields")
    expect(customer_fields).to_be_visible()
    form.locator("select[name=kind]").select_option("supplier")
    expect(customer_fields).to_be_hidden()  # a supplier has no credit limit or group
    form.locator("select[name=kind]").select_option("customer")
    expect(customer_fields).to_be_visible()
    page.screenshot(path=str(tmp_path / "contact-form-fa.png"), full_page=True)

    form.locator("input[name=name]").fill("بازرگانی پارس")
    form.locator("input[name=credit_limit]").fill("۲٬۰۰۰٬۰۰۰")
    form.locator("input[name=payment_term_days]").fill("۴۵")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_contain_text("بازرگانی پارس")
    expect(page.locator("#credit-limit")).to_contain_text("۲٬۰۰۰٬۰۰۰")

    page.locator("#contact-edit").click()
    page.wait_for_load_state()
    form = page.locator("form#contact-form")
    form.locator("input[name=credit_limit]").fill("-1")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-error=credit_limit]")).to_be_visible()
    page.screenshot(path=str(tmp_path / "contact-form-error-fa.png"), full_page=True)

    form = page.locator("form#contact-form")
    form.locator("input[name=credit_limit]").fill("")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".msg-success")).to_be_visible()
    expect(page.locator("#credit-limit")).to_have_count(0)  # unlimited: no limit shown
