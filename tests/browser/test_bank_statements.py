"""Bank statements in a real browser (SPEC F2, E1, issue 14 §7): Persian, right to left;
an account is made, a CAMT.053 file uploaded, its exact match confirmed, the bank fee
ignored, and the unmatched transfer assigned to a customer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

SAMPLE = Path(__file__).parent.parent / "data" / "camt053_sample.xml"


def test_a_statement_is_uploaded_reviewed_and_settled(
    new_page: Callable[[], Page], tmp_path: Path
) -> None:
    statement = tmp_path / "statement.xml"
    values = {"closing": "0", "full": "98100000", "part": "40000000"}
    values |= {"number": "INV-NONE-1", "other": "علیرضا سامری"}
    statement.write_text(SAMPLE.read_text(encoding="utf-8").format(**values), encoding="utf-8")
    page = new_page()
    sign_in(page, "accountant")
    page.goto("/bank")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

    form = page.locator("form#bank-account-new")
    form.locator("input[name=name]").fill("بانک ملت - جاری")
    form.locator("input[name=iban]").fill("IR820540102680020817909002")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/bank")
    upload = page.locator("form#statement-upload")
    upload.locator("input[type=file]").set_input_files(str(statement))
    upload.locator("button[type=submit]").click()
    page.wait_for_load_state()

    rows = page.locator("#statement-lines tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("۹۸٬۱۰۰٬۰۰۰")
    page.screenshot(path=str(tmp_path / "bank-statement-fa.png"), full_page=True)
    rows.nth(2).locator("form", has=page.locator("button", has_text="نادیده بگیر")).locator(
        "button"
    ).click()
    page.wait_for_load_state()
    second = page.locator("#statement-lines tbody tr").nth(1)
    second.locator("select[name=contact_id]").select_option(label="علیرضا سامری")
    second.locator("button", has_text="ثبت برای طرف حساب").click()
    page.wait_for_load_state()

    expect(page.locator("#statement-lines tbody tr").nth(1)).to_contain_text("تطبیق‌شده")
    expect(page.locator("#statement-lines tbody tr").nth(2)).to_contain_text("نادیده‌گرفته")
