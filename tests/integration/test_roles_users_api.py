"""Roles and users through the API (issue 12 §2): POST/GET /api/v1/roles, POST
/api/v1/users, PATCH /api/v1/users/{username}. Bad input answers 422 naming the field
and writes nothing; every change is audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from engine.models.audit import AuditEntry
from engine.models.users import Role, User
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.flows import field_errors

ROLES = "/api/v1/roles"
USERS = "/api/v1/users"
FINANCE = {"code": "finance", "name": "Finance director", "permissions": ["approve", "view_all"]}
MARYAM = {
    "username": "maryam",
    "password": "secret",
    "roles": ["approver"],
    "email": "maryam@example.com",
    "mobile": "۰۹۱۲ ۱۲۳ ۴۵۶۷",
    "manager": "admin",
}


def counts(uow: UnitOfWork) -> tuple[int, int, int]:
    """Roles, users and audit rows: what a refused call must leave as it was."""
    with uow:
        return tuple(  # type: ignore[return-value]
            int(uow.session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Role, User, AuditEntry)
        )


def refused(api: Api, uow: UnitOfWork, method: str, path: str, body: Any) -> dict[str, Any]:
    """Call, assert a 422 that wrote nothing, and return the fields it names."""
    before = counts(uow)
    response = api.call(method, path, "admin", json=body)
    assert response.status_code == 422, response.get_json()
    assert counts(uow) == before
    return field_errors(response)


def user(api: Api, username: str) -> dict[str, Any]:
    return next(u for u in api.ok("GET", USERS) if u["username"] == username)


def audit_actions(uow: UnitOfWork) -> list[str]:
    with uow:
        return list(uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# roles ----------------------------------------------------------------------------------


def test_a_created_role_is_listed_with_its_code_name_permissions_and_members(
    api: Api, uow: UnitOfWork
) -> None:
    created = api.ok("POST", ROLES, FINANCE, status=201)

    assert created == {**FINANCE, "users": 0}
    assert audit_actions(uow)[-1] == "role.create"
    api.ok("POST", USERS, {**MARYAM, "roles": ["finance"]}, status=201)
    listed = {r["code"]: r for r in api.ok("GET", ROLES)}
    assert listed["finance"] == {**FINANCE, "users": 1}
    assert listed["approver"]["name"] == "Approver"
    assert listed["admin"]["users"] >= 1


def test_a_member_of_a_new_role_holds_its_permissions(api: Api) -> None:
    api.ok("POST", ROLES, FINANCE, status=201)
    api.ok("POST", USERS, {**MARYAM, "roles": ["finance"]}, status=201)

    me = api.ok("GET", "/api/v1/auth/me", as_="maryam")

    assert me["roles"] == ["finance"]
    assert set(me["permissions"]) == {"approve", "view_all"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"permissions": ["approve", "fly"]}, "permissions"),
        ({"code": "approver"}, "code"),  # taken
        ({"code": "Finance"}, "code"),
        ({"code": "9lives"}, "code"),
        ({"code": "fi nance"}, "code"),
        ({"code": "f" * 41}, "code"),
        ({"name": " "}, "name"),
    ],
)
def test_a_bad_role_is_refused_naming_the_field(
    api: Api, uow: UnitOfWork, change: dict[str, Any], field: str
) -> None:
    assert field in refused(api, uow, "POST", ROLES, {**FINANCE, **change})


def test_only_user_managers_see_or_create_roles(api: Api, uow: UnitOfWork) -> None:
    before = counts(uow)
    assert api.post(ROLES, FINANCE, as_="approver").status_code == 403
    assert api.get(ROLES, as_="approver").status_code == 403
    assert api.post(USERS, MARYAM, as_="approver").status_code == 403
    assert api.patch(f"{USERS}/clerk", {"mobile": "09121234567"}, as_="approver").status_code == 403
    assert counts(uow) == before


# creating users -------------------------------------------------------------------------


def test_a_created_user_has_roles_contact_details_and_a_manager(api: Api, uow: UnitOfWork) -> None:
    created = api.ok("POST", USERS, MARYAM, status=201)

    assert created["username"] == "maryam"
    assert created["roles"] == ["approver"]
    assert created["email"] == "maryam@example.com"
    assert created["mobile"] == "09121234567"  # Persian digits and spaces cleaned
    assert created["manager"] == "admin"
    assert "password" not in created
    assert user(api, "maryam") == created
    assert audit_actions(uow)[-1] == "user.create"
    assert api.ok("POST", "/api/v1/auth/token", {"username": "maryam", "password": "secret"})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"roles": ["approver", "pilot"]}, "roles"),
        ({"manager": "nobody"}, "manager"),
        ({"password": "abc"}, "password"),
        ({"username": "clerk"}, "username"),  # taken
        ({"email": "maryam@example"}, "email"),
        ({"mobile": "0912-abc"}, "mobile"),
        ({"mobile": "123"}, "mobile"),
    ],
)
def test_a_bad_user_is_refused_naming_the_field(
    api: Api, uow: UnitOfWork, change: dict[str, Any], field: str
) -> None:
    assert field in refused(api, uow, "POST", USERS, {**MARYAM, **change})


# changing users -------------------------------------------------------------------------


def test_a_patch_changes_only_what_it_sends(api: Api, uow: UnitOfWork) -> None:
    before = api.ok("POST", USERS, MARYAM, status=201)

    after = api.ok("PATCH", f"{USERS}/maryam", {"mobile": "+98 912 765 4321"})

    assert after == {**before, "mobile": "+989127654321"}
    assert audit_actions(uow)[-1] == "user.update"


def test_a_patch_changes_every_field_it_names(api: Api) -> None:
    api.ok("POST", USERS, MARYAM, status=201)
    body = {
        "roles": ["viewer", "clerk"],
        "email": "",
        "mobile": None,
        "manager": "approver",
        "full_name": "مریم کریمی",
        "locale": "ar",
        "is_active": False,
    }

    after = api.ok("PATCH", f"{USERS}/maryam", body)

    assert after["roles"] == ["clerk", "viewer"]  # by code
    assert after["email"] is None and after["mobile"] is None
    assert after["manager"] == "approver"
    assert (after["full_name"], after["locale"], after["is_active"]) == ("مریم کریمی", "ar", False)
    assert api.ok("PATCH", f"{USERS}/maryam", {"manager": ""})["manager"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"roles": ["pilot"]}, "roles"),
        ({"manager": "nobody"}, "manager"),
        ({"manager": "maryam"}, "manager"),  # herself
        ({"password": "abc"}, "password"),
        ({"email": "maryam at example.com"}, "email"),
        ({"mobile": "phone"}, "mobile"),
        ({"locale": "de"}, "locale"),
    ],
)
def test_a_bad_patch_is_refused_naming_the_field(
    api: Api, uow: UnitOfWork, change: dict[str, Any], field: str
) -> None:
    api.ok("POST", USERS, MARYAM, status=201)
    assert field in refused(api, uow, "PATCH", f"{USERS}/maryam", change)
    assert user(api, "maryam")["manager"] == "admin"


def test_a_manager_chain_cannot_loop(api: Api, uow: UnitOfWork) -> None:
    """maryam → reza → sara; sara may not report to maryam (nor reza to sara)."""
    api.ok("POST", USERS, MARYAM, status=201)
    api.ok("POST", USERS, {**MARYAM, "username": "reza", "manager": "maryam"}, status=201)
    api.ok("POST", USERS, {**MARYAM, "username": "sara", "manager": "reza"}, status=201)

    assert "manager" in refused(api, uow, "PATCH", f"{USERS}/maryam", {"manager": "sara"})
    assert "manager" in refused(api, uow, "PATCH", f"{USERS}/reza", {"manager": "sara"})
    assert user(api, "maryam")["manager"] == "admin"
    assert api.ok("PATCH", f"{USERS}/sara", {"manager": "maryam"})["manager"] == "maryam"


def test_a_new_password_ends_the_users_tokens(api: Api) -> None:
    api.ok("POST", USERS, MARYAM, status=201)
    assert api.get("/api/v1/auth/me", as_="maryam").status_code == 200

    api.ok("PATCH", f"{USERS}/maryam", {"password": "another secret"})

    assert api.get("/api/v1/auth/me", as_="maryam").status_code == 401
    old = {"username": "maryam", "password": "secret"}
    assert api.post("/api/v1/auth/token", old, as_="").status_code == 403
    new = {"username": "maryam", "password": "another secret"}
    assert api.ok("POST", "/api/v1/auth/token", new)["token"]


def test_a_weak_new_password_keeps_the_tokens(api: Api, uow: UnitOfWork) -> None:
    api.ok("POST", USERS, MARYAM, status=201)
    assert api.get("/api/v1/auth/me", as_="maryam").status_code == 200

    refused(api, uow, "PATCH", f"{USERS}/maryam", {"password": "abc", "mobile": "09120000000"})

    assert api.get("/api/v1/auth/me", as_="maryam").status_code == 200
    assert user(api, "maryam")["mobile"] == "09121234567"


def test_patching_an_unknown_user_is_a_404(api: Api) -> None:
    assert api.patch(f"{USERS}/nobody", {"mobile": "09121234567"}).status_code == 404


def test_an_admin_cannot_lock_themselves_out(api: Api) -> None:
    response = api.patch(f"{USERS}/admin", {"is_active": False})
    assert response.status_code == 409
    assert user(api, "admin")["is_active"] is True
