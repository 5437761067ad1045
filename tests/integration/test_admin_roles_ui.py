"""/admin/roles and /admin/users with role codes, display names, mobiles and managers
(issue 12 §2): the pages show the translated display name and post the code."""

from __future__ import annotations

from flask import Flask

from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import get_user
from tests.integration.test_ui_flow import UiClient

FINANCE = {"code": "finance", "name": "Finance director", "permissions": ["approve", "view_all"]}


def role_row(uow: UnitOfWork, code: str) -> tuple[str, list[str]] | None:
    with uow:
        role = uow.users.role_by_code(code)
        return (role.name, sorted(role.permissions)) if role else None


def test_the_roles_page_shows_codes_and_translated_names(app: Flask) -> None:
    page = UiClient(app, "admin").get("/admin/roles").get_data(as_text=True)

    assert 'data-role="approver"' in page
    assert "تأییدکننده" in page  # "Approver", the default role's name, in Persian
    assert 'action="/admin/roles/approver"' in page


def test_a_role_is_created_and_edited_on_the_page(app: Flask, uow: UnitOfWork) -> None:
    admin = UiClient(app, "admin")

    admin.post("/admin/roles", FINANCE, status=302)
    assert role_row(uow, "finance") == ("Finance director", ["approve", "view_all"])
    page = admin.get("/admin/roles").get_data(as_text=True)
    assert 'data-role="finance"' in page and "Finance director" in page

    edit = {"name": "مدیر مالی", "permissions": ["approve"]}
    admin.post("/admin/roles/finance", edit, status=302)
    assert role_row(uow, "finance") == ("مدیر مالی", ["approve"])


def test_a_bad_role_form_writes_nothing(app: Flask, uow: UnitOfWork) -> None:
    admin = UiClient(app, "admin")

    admin.post("/admin/roles", {**FINANCE, "code": "Finance!"}, status=422)
    admin.post("/admin/roles", {**FINANCE, "code": "viewer"}, status=422)
    admin.post("/admin/roles", {**FINANCE, "permissions": ["fly"]}, status=422)
    admin.post("/admin/roles/finance", FINANCE, status=404)

    assert role_row(uow, "finance") is None
    assert role_row(uow, "viewer") == ("Viewer", ["view_all"])


def test_the_users_page_sets_mobile_manager_and_roles_by_code(app: Flask, uow: UnitOfWork) -> None:
    admin = UiClient(app, "admin")
    form = {
        "username": "maryam",
        "password": "secret",
        "roles": ["approver"],
        "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
        "manager": "admin",
    }
    admin.post("/admin/users", form, status=302)
    with uow:
        user = uow.users.by_username("maryam")
        assert user is not None
        user_id = user.id
    view = get_user(uow, user_id=user_id)
    assert (view.roles, view.mobile, view.manager) == (["approver"], "09121234567", "admin")

    page = admin.get("/admin/users").get_data(as_text=True)
    assert 'value="09121234567"' in page
    assert '<option value="admin" selected>' in page

    edit = {"roles": ["viewer", "clerk"], "is_active": "1", "mobile": "", "manager": "approver"}
    admin.post(f"/admin/users/{user_id}", edit, status=302)
    view = get_user(uow, user_id=user_id)
    assert (view.roles, view.mobile, view.manager) == (["clerk", "viewer"], None, "approver")


def test_a_manager_loop_is_refused_on_the_page(app: Flask, uow: UnitOfWork) -> None:
    admin = UiClient(app, "admin")
    base = {"password": "secret", "roles": ["viewer"]}
    admin.post("/admin/users", {**base, "username": "maryam"}, status=302)
    admin.post("/admin/users", {**base, "username": "reza", "manager": "maryam"}, status=302)
    with uow:
        maryam = uow.users.by_username("maryam")
        assert maryam is not None
        maryam_id = maryam.id

    edit = {"roles": ["viewer"], "is_active": "1", "manager": "reza"}
    admin.post(f"/admin/users/{maryam_id}", edit, status=422)

    assert get_user(uow, user_id=maryam_id).manager is None
