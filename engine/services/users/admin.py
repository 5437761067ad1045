"""Administration of users, roles and permissions, and each user's own language (E2, E1)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from engine.domain.emails import clean_email
from engine.domain.errors import InvalidState, ValidationFailed
from engine.domain.permissions import Perm
from engine.models.users import Role
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require
from engine.services.users.accounts import UserView, user_view

logger = logging.getLogger(__name__)

LOCALES = ("fa", "ar", "en")


@dataclass(frozen=True)
class RoleView:
    name: str
    permissions: list[str]
    users: int


@dataclass(frozen=True)
class AuditView:
    id: int
    at: datetime
    actor_id: int | None
    actor: str
    action: str
    entity: str
    entity_id: str | None
    details: dict[str, object]
    remote_addr: str | None


def set_locale(uow: UnitOfWork, *, user_id: int, locale: str) -> None:
    """Remember the user's language (fa, ar or en) for every later page (E1)."""
    if locale not in LOCALES:
        raise ValidationFailed.single("locale", f"must be one of: {', '.join(LOCALES)}")
    with uow:
        user = load_actor(uow, user_id)
        user.locale = locale
        uow.commit()


def list_users(uow: UnitOfWork, *, actor_id: int) -> list[UserView]:
    """Return every user with roles and state (needs manage_users)."""
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_USERS)
        return [user_view(u) for u in uow.users.all_by_name()]


def colleagues(uow: UnitOfWork, *, actor_id: int) -> list[UserView]:
    """Return the active users a task can be handed to (names only matter to the caller)."""
    with uow:
        load_actor(uow, actor_id)
        return [user_view(u) for u in uow.users.all_by_name() if u.is_active]


def update_user(
    uow: UnitOfWork,
    *,
    user_id: int,
    actor_id: int,
    roles: Sequence[str] | None = None,
    is_active: bool | None = None,
    full_name: str | None = None,
    email: str | None = None,
) -> UserView:
    """Change a user's roles, name, email or active flag (needs manage_users).

    ``None`` leaves a value as it is; an empty ``email`` removes the address.

    Raises InvalidState when an admin would lock themselves out (deactivate themselves or
    drop their own user management).
    """
    address = clean_email(email) if email is not None else None
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, Perm.MANAGE_USERS)
        user = uow.users.get_for_update(user_id)
        before = user_view(user)
        if roles is not None:
            user.roles = _roles(uow, roles)
        if is_active is not None:
            user.is_active = is_active
        if full_name is not None:
            user.full_name = full_name.strip()[:200]
        if email is not None:
            user.email = address
        if user.id == actor.id and (
            not user.is_active or Perm.MANAGE_USERS not in user.permissions
        ):
            raise InvalidState("you cannot lock yourself out; ask another administrator")
        uow.audit.record(
            actor_id=actor.id,
            action="user.update",
            entity="user",
            entity_id=user.id,
            details={
                "roles": [before.roles, [r.name for r in user.roles]],
                "active": [before.is_active, user.is_active],
                "email": [before.email, user.email],
            },
        )
        uow.commit()
        return user_view(user)


def list_roles(uow: UnitOfWork, *, actor_id: int) -> list[RoleView]:
    """Return the roles with their permissions and how many users hold each."""
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_USERS)
        counts = uow.users.role_counts()
        return [
            RoleView(r.name, sorted(r.permissions), counts.get(r.id, 0)) for r in uow.users.roles()
        ]


def save_role(uow: UnitOfWork, *, name: str, permissions: Sequence[str], actor_id: int) -> RoleView:
    """Create a role or replace its permissions (needs manage_users).

    The admin role keeps user management, so nobody can lock everyone out.
    """
    name = name.strip()
    if not name or len(name) > 40:
        raise ValidationFailed.single("name", "is required (at most 40 characters)")
    known = {p.value for p in Perm}
    unknown = sorted(set(permissions) - known)
    if unknown:
        raise ValidationFailed.single("permissions", f"unknown: {', '.join(unknown)}")
    if name == "admin" and Perm.MANAGE_USERS.value not in permissions:
        raise ValidationFailed.single("permissions", "the admin role keeps manage_users")
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, Perm.MANAGE_USERS)
        role = uow.users.role(name)
        before = sorted(role.permissions) if role else None
        if role is None:
            role = Role(name=name, permissions=[])
            uow.users.add_role(role)
        role.permissions = sorted(set(permissions))
        uow.audit.record(
            actor_id=actor.id,
            action="role.save",
            entity="role",
            entity_id=name,
            details={"permissions": [before, role.permissions]},
        )
        uow.commit()
        return RoleView(role.name, list(role.permissions), 0)


def search_audit(
    uow: UnitOfWork,
    *,
    actor_id: int,
    who: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    text: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[AuditView]:
    """Return audit rows newest first: who did what, when and from where (needs view_audit)."""
    with uow:
        require(load_actor(uow, actor_id), Perm.VIEW_AUDIT)
        who_id = None
        if who:
            user = uow.users.by_username(who.strip())
            if user is None:
                raise ValidationFailed.single("who", f"unknown user {who!r}")
            who_id = user.id
        rows = uow.audit.search(
            actor_id=who_id,
            action=action or None,
            entity=entity or None,
            text=text or None,
            since=since,
            until=until,
            limit=min(limit, 500),
            offset=offset,
        )
        names = {u.id: u.username for u in uow.users.all_by_name()}
        return [
            AuditView(
                r.id,
                r.at,
                r.actor_id,
                names.get(r.actor_id, "") if r.actor_id else "",
                r.action,
                r.entity,
                r.entity_id,
                dict(r.details or {}),
                r.remote_addr,
            )
            for r in rows
        ]


def _roles(uow: UnitOfWork, names: Sequence[str]) -> list[Role]:
    found = []
    for name in names:
        role = uow.users.role(name)
        if role is None:
            raise ValidationFailed.single("roles", f"unknown role {name!r}")
        found.append(role)
    return found
