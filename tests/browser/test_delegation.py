"""A substitute in a real browser (issue 12 §7): the approver names one on their own page;
the substitute, who works no cartable, sees and approves the approver's step, and the
document's history says "substitute for approver" in Persian."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import Page, expect

from engine import clock
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user
from tests.browser.conftest import sign_in
from tests.browser.test_journeys import approve_in_cartable, create_i7_invoice


def test_the_substitute_sees_and_decides_the_approvers_step(
    new_page: Callable[[], Page], uow: UnitOfWork
) -> None:
    create_user(uow, username="samir", password="samir", roles=[], full_name="سام مرادی")
    with uow:
        approver_user = uow.users.by_username("approver")
        assert approver_user is not None
        approver_name = approver_user.full_name or "approver"
    clerk, approver, sam = new_page(), new_page(), new_page()
    today = clock.business_today()

    sign_in(approver, "approver")
    approver.goto("/me")
    form = approver.locator("#add-delegation")
    form.locator("select[name=substitute]").select_option("samir")
    form.locator("input[name=starts_on]").fill(today.isoformat())
    form.locator("input[name=ends_on]").fill((today + timedelta(days=2)).isoformat())
    form.locator("button[type=submit]").click()
    expect(approver.locator(".msg-success")).to_be_visible()
    expect(approver.locator("#delegations tr[data-substitute=samir]")).to_contain_text("سام مرادی")

    sign_in(clerk, "clerk")
    document_id = create_i7_invoice(clerk)

    sign_in(sam, "samir")
    approve_in_cartable(sam, document_id, "approval")
    sam.goto(f"/documents/{document_id}")
    expect(sam.locator("#history .acting-for")).to_have_text(f"سام مرادی به جای {approver_name}")
