"""Users' email addresses: checked when set, shown and edited on /admin/users, returned by
/api/v1/auth/me (SPEC E2; replies are forwarded there, F7)."""

from __future__ import annotations

import pytest
from flask import Flask

from engine.domain.errors import ValidationFailed
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user, get_user
from engine.services.users.admin import UserEdit, list_users, update_user
from tests.integration.conftest import Api
from tests.integration.test_ui_flow import UiClient


def test_create_and_update_check_the_address_and_an_empty_one_removes_it(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        create_user(uow, username="reza", password="secret", roles=["viewer"], email="reza@")
    assert "email" in caught.value.fields
    user_id = create_user(
        uow, username="reza", password="secret", roles=["viewer"], email=" reza@example.com "
    )
    assert get_user(uow, user_id=user_id).email == "reza@example.com"

    with pytest.raises(ValidationFailed) as caught:
        edit = UserEdit(email="reza at example.com")
        update_user(uow, user_id=user_id, actor_id=ids["admin"], edit=edit)
    assert "email" in caught.value.fields
    assert get_user(uow, user_id=user_id).email == "reza@example.com"
    # email kept
    update_user(uow, user_id=user_id, actor_id=ids["admin"], edit=UserEdit(full_name="رضا"))
    assert get_user(uow, user_id=user_id).email == "reza@example.com"
    update_user(uow, user_id=user_id, actor_id=ids["admin"], edit=UserEdit(email=""))
    view = next(u for u in list_users(uow, actor_id=ids["admin"]) if u.id == user_id)
    assert view.email is None


def test_the_admin_page_creates_a_user_with_an_address_and_edits_it(
    app: Flask, uow: UnitOfWork
) -> None:
    admin = UiClient(app, "admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert 'name="email" type="email" dir="ltr"' in page

    form = {"username": "maryam", "password": "secret", "roles": ["viewer"]}
    admin.post("/admin/users", {**form, "email": "maryam@example"}, status=422)
    with uow:
        assert uow.users.by_username("maryam") is None  # the service names "email", above
    admin.post("/admin/users", {**form, "email": "maryam@example.com"}, status=302)
    with uow:
        user = uow.users.by_username("maryam")
        assert user is not None and user.email == "maryam@example.com"
        user_id = user.id
    page = admin.get("/admin/users").get_data(as_text=True)
    assert 'value="maryam@example.com"' in page

    edit = {"roles": ["viewer"], "is_active": "1"}
    admin.post(f"/admin/users/{user_id}", {**edit, "email": "bad address@x.com"}, status=422)
    admin.post(f"/admin/users/{user_id}", {**edit, "email": "m.karimi@example.com"}, status=302)
    assert get_user(uow, user_id=user_id).email == "m.karimi@example.com"
    admin.post(f"/admin/users/{user_id}", {**edit, "email": ""}, status=302)
    assert get_user(uow, user_id=user_id).email is None


def test_me_returns_the_callers_address(api: Api) -> None:
    assert api.ok("GET", "/api/v1/auth/me", as_="accountant")["email"] == (
        "accountant@cartable.example"
    )
