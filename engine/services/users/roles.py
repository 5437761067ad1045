"""Roles: a code (what diagrams' lanes, tokens and the API name), a display name and a set
of permissions (E2, issue 12 §2)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from engine.domain.errors import NotFound, ValidationFailed
from engine.domain.permissions import (
    ROLE_NAME_MAX,
    Perm,
    check_permissions,
    check_role_code,
)
from engine.models.users import Role
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require

logger = logging.getLogger(__name__)

ADMIN_ROLE = "admin"


@dataclass(frozen=True)
class RoleView:
    code: str
    name: str
    permissions: list[str]
    users: int


def list_roles(uow: UnitOfWork, *, actor_id: int) -> list[RoleView]:
    """Return the roles by code, with their permissions and how many users hold each."""
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_USERS)
        counts = uow.users.role_counts()
        return [_view(r, counts.get(r.id, 0)) for r in uow.users.roles()]


def create_role(
    uow: UnitOfWork, *, code: str, name: str, permissions: Sequence[str], actor_id: int
) -> RoleView:
    """Create a role (needs manage_users).

    Raises ValidationFailed naming ``code`` (bad pattern, taken), ``name`` or
    ``permissions`` (an unknown one).
    """
    code = check_role_code(code.strip())
    display = _check_name(name)
    granted = check_permissions(list(permissions))
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, Perm.MANAGE_USERS)
        if uow.users.role_by_code(code) is not None:
            raise ValidationFailed.single("code", "is taken")
        role = uow.users.add_role(Role(code=code, name=display, permissions=granted))
        uow.audit.record(
            actor_id=actor.id,
            action="role.create",
            entity="role",
            entity_id=code,
            details={"name": display, "permissions": granted},
        )
        uow.commit()
        logger.info("role created", extra={"role": code})
        return _view(role, 0)


def update_role(
    uow: UnitOfWork,
    *,
    code: str,
    actor_id: int,
    name: str | None = None,
    permissions: Sequence[str] | None = None,
) -> RoleView:
    """Rename a role or replace its permissions (needs manage_users); None keeps a value.

    The admin role keeps user management, so nobody can lock everyone out. Raises
    NotFound for an unknown code.
    """
    display = _check_name(name) if name is not None else None
    granted = check_permissions(list(permissions)) if permissions is not None else None
    if code == ADMIN_ROLE and granted is not None and Perm.MANAGE_USERS.value not in granted:
        raise ValidationFailed.single("permissions", "the admin role keeps manage_users")
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, Perm.MANAGE_USERS)
        role = uow.users.role_by_code(code)
        if role is None:
            raise NotFound(f"no role {code!r}")
        before = {"name": role.name, "permissions": sorted(role.permissions)}
        if display is not None:
            role.name = display
        if granted is not None:
            role.permissions = granted
        uow.audit.record(
            actor_id=actor.id,
            action="role.update",
            entity="role",
            entity_id=code,
            details={
                "name": [before["name"], role.name],
                "permissions": [before["permissions"], role.permissions],
            },
        )
        uow.commit()
        return _view(role, uow.users.role_counts().get(role.id, 0))


def _check_name(name: str) -> str:
    display = name.strip()
    if not display or len(display) > ROLE_NAME_MAX:
        raise ValidationFailed.single("name", f"is required (at most {ROLE_NAME_MAX} characters)")
    return display


def _view(role: Role, users: int) -> RoleView:
    return RoleView(role.code, role.name, sorted(role.permissions), users)
