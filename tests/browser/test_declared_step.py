"""A designer's step in a real browser: deployed through the API, its three decisions
appear as buttons in the cartable and on the task page, and its field is asked (issue 12)."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user, issue_token
from engine.services.users.roles import create_role
from tests.browser.conftest import sign_in
from tests.browser.test_journeys import create_i7_invoice
from tests.integration.declared import ROLE, review_diagram

APPROVAL = "/api/v1/processes/document_approval/versions"


def _deploy_review_diagram(page: Page, uow: UnitOfWork) -> None:
    """Make the reviewer role and user (repository), deploy the diagram (API only)."""
    with uow:
        admin = uow.users.by_username("admin")
        assert admin is not None
        admin_id = admin.id
    create_role(uow, code=ROLE, name="Reviewer", permissions=["view_all"], actor_id=admin_id)
    create_user(uow, username="reviewer1", password="reviewer1", roles=[ROLE])
    token = issue_token(uow, user_id=admin_id, ttl_hours=1).token
    response = page.request.post(
        APPROVAL,
        data=review_diagram(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml"},
    )
    assert response.status == 201, response.text()


def test_a_declared_step_is_decided_with_its_field(
    new_page: Callable[[], Page], uow: UnitOfWork
) -> None:
    clerk, reviewer = new_page(), new_page()
    _deploy_review_diagram(clerk, uow)
    sign_in(clerk, "clerk")
    document_id = create_i7_invoice(clerk)

    sign_in(reviewer, "reviewer1")
    reviewer.goto("/cartable?cartable=review")
    row = reviewer.locator(f"tr[data-document-id='{document_id}']")
    buttons = row.locator("button[name=decision]")
    expect(buttons).to_have_count(3)
    expect(row.locator("button[name=decision][value=escalate]")).to_have_text("ارجاع")
    expect(row.locator("select[data-field=risk]")).to_be_visible()
    expect(row.locator(".badge")).to_have_text("بررسی")  # the lane's declared label

    row.locator("a").first.click()  # the task page
    reviewer.wait_for_url(re.compile(r".*/tasks/\d+$"))
    decide = reviewer.locator("#decide")
    expect(decide.locator("button[name=decision]")).to_have_count(3)
    expect(decide.locator("select[data-field=risk]")).to_be_visible()
    decide.locator("select[data-field=risk]").select_option("high")
    decide.locator("input[data-field=score]").fill("12.5")
    decide.locator("button[name=decision][value=escalate]").click()
    reviewer.wait_for_url(re.compile(rf".*/documents/{document_id}$"))
    expect(reviewer.locator(".msg-success")).to_be_visible()
    # The history shows the decision's label (its event is the diagram's own).
    expect(reviewer.locator("#history li[data-action=escalated]")).to_contain_text("ارجاع")
