"""A 2-of-3 board approval walked through the cartable pages (issue 12 §5): the diagram is
deployed through the API, each director sees their own instance only, two approvals post
the document and the third director's instance is gone."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user, issue_token
from engine.services.users.roles import create_role
from tests.browser.conftest import sign_in
from tests.browser.test_journeys import create_i7_invoice
from tests.people_diagrams import BOARD_ROLE, board_approval

DIRECTORS = ("director1", "director2", "director3")


def _deploy_board(page: Page, uow: UnitOfWork) -> None:
    """Make the board and its directors (repository); deploy the vote and route sales
    invoices to it (API only)."""
    with uow:
        admin = uow.users.by_username("admin")
        assert admin is not None
        admin_id = admin.id
    create_role(uow, code=BOARD_ROLE, name="Board", permissions=["view_all"], actor_id=admin_id)
    for name in DIRECTORS:
        create_user(uow, username=name, password=name, roles=[BOARD_ROLE])
    headers = {"Authorization": f"Bearer {issue_token(uow, user_id=admin_id, ttl_hours=1).token}"}
    response = page.request.post(
        "/api/v1/processes/board_approval/versions",
        data=board_approval(),
        headers={**headers, "Content-Type": "application/xml"},
    )
    assert response.status == 201, response.text()
    response = page.request.patch(
        "/api/v1/document-types/sales_invoice",
        data={"process_id": "board_approval"},
        headers=headers,
    )
    assert response.ok, response.text()


def _own_row(page: Page, document_id: int) -> Locator:
    page.goto("/cartable")
    rows = page.locator(f"tr[data-document-id='{document_id}']")
    expect(rows).to_have_count(1)  # their own instance, not the others'
    return rows


def test_two_directors_of_three_approve_in_the_cartable(
    new_page: Callable[[], Page], uow: UnitOfWork
) -> None:
    clerk = new_page()
    _deploy_board(clerk, uow)
    sign_in(clerk, "clerk")
    document_id = create_i7_invoice(clerk)
    first, second, third = (new_page() for _ in DIRECTORS)
    for page, name in zip((first, second, third), DIRECTORS, strict=True):
        sign_in(page, name)

    row = _own_row(first, document_id)
    row.locator("button[name=decision][value=approve]").click()
    first.wait_for_load_state()
    expect(first.locator(".msg-success")).to_be_visible()
    expect(first.locator(f"tr[data-document-id='{document_id}']")).to_have_count(0)

    row = _own_row(second, document_id)
    row.locator("a").first.click()  # the task page
    second.wait_for_url(re.compile(r".*/tasks/\d+$"))
    second.locator("#decide button[name=decision][value=approve]").click()
    second.wait_for_url(re.compile(rf".*/documents/{document_id}$"))
    expect(second.locator(".msg-success")).to_be_visible()
    expect(second.locator("#history li[data-action=approved]")).to_have_count(2)

    third.goto("/cartable")
    expect(third.locator(f"tr[data-document-id='{document_id}']")).to_have_count(0)
    clerk.goto(f"/documents/{document_id}")
    expect(clerk.locator("#document-state")).not_to_have_text("در انتظار تأیید")
