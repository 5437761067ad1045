"""/admin in a real browser (issue 12 §2): a role made on the roles page (code, display
name, permissions), a user given it with a mobile and a manager, the user's own page."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in


def create_role(page: Page) -> None:
    page.goto("/admin/roles")
    form = page.locator("form#new-role")
    form.locator("input[name=code]").fill("finance")
    form.locator("input[name=name]").fill("مدیر مالی")
    form.locator("input[name=permissions][value=approve]").check()
    form.locator("input[name=permissions][value=view_all]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".msg-success")).to_be_visible()


def test_a_role_and_a_user_with_a_manager_are_made_on_the_admin_pages(
    new_page: Callable[[], Page],
) -> None:
    admin = new_page()
    sign_in(admin, "admin")
    create_role(admin)
    card = admin.locator("section[data-role=finance]")
    expect(card.locator("h2")).to_contain_text("مدیر مالی")
    expect(card.locator("h2 bdi")).to_have_text("finance")
    assert admin.evaluate("getComputedStyle(document.body).direction") == "rtl"

    admin.goto("/admin/users")
    form = admin.locator("form#new-user")
    form.locator("input[name=username]").fill("maryam")
    form.locator("input[name=password]").fill("maryam")
    form.locator("input[name=mobile]").fill("۰۹۱۲ ۱۲۳ ۴۵۶۷")
    form.locator("select[name=manager]").select_option("approver")
    form.locator("input[name=roles][value=finance]").check()
    form.locator("button[type=submit]").click()
    admin.wait_for_load_state()
    row = admin.locator("tr[data-username=maryam]")
    expect(row.locator("input[name=mobile]")).to_have_value("09121234567")
    expect(row.locator("select[name=manager]")).to_have_value("approver")
    expect(row.locator("input[name=roles][value=finance]")).to_be_checked()

    row.locator("select[name=manager]").select_option("admin")
    row.locator("button[type=submit]").click()
    admin.wait_for_load_state()
    expect(admin.locator(".msg-success")).to_be_visible()
    row = admin.locator("tr[data-username=maryam]")
    expect(row.locator("select[name=manager]")).to_have_value("admin")

    maryam = new_page()
    sign_in(maryam, "maryam")
    maryam.goto("/me")
    expect(maryam.locator(".facts .badge").first).to_have_text("مدیر مالی")
