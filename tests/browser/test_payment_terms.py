"""The payment-terms page in a real browser (issue 14 §3, §4): Persian, right to left; a
term of two instalments with an early discount is made by rows; a bad row is marked and
nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in


def test_a_term_is_made_on_the_admin_page(new_page: Callable[[], Page], tmp_path: Path) -> None:
    page = new_page()
    sign_in(page, "admin")
    page.goto("/admin/payment-terms")
    page.wait_for_load_state()
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    form = page.locator("form#term-form")
    form.locator("input[name=name]").fill("سی درصد نقد، مانده شصت روزه")
    form.locator("select[name=lines-0-value]").select_option("percent")
    form.locator("input[name=lines-0-amount]").fill("۳۰")
    form.locator("input[name=lines-0-days]").fill("0")
    form.locator("select[name=lines-1-value]").select_option("balance")
    form.locator("input[name=lines-1-days]").fill("۶۰")
    form.locator("select[name=lines-1-delay]").select_option("day_of_next_month")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-error='lines-1.day']")).to_be_visible()  # no day given
    expect(page.locator("#payment-terms [data-term-id]")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "payment-terms-error-fa.png"), full_page=True)

    form = page.locator("form#term-form")
    form.locator("select[name=lines-1-delay]").select_option("days_after")
    form.locator("input[name=early_percent]").fill("۲")
    form.locator("input[name=early_days]").fill("۱۰")
    form.locator("select[name=early_tax_mode]").select_option("excluded")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".msg-success")).to_be_visible()
    row = page.locator("#payment-terms [data-term-id]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("سی درصد نقد")
    page.screenshot(path=str(tmp_path / "payment-terms-fa.png"), full_page=True)
