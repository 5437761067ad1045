"""Administration of users, roles and permissions, and each user's own language (E2, E1)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from engine import clock
from engine.domain.emails import clean_email
from engine.domain.errors import InvalidState, NotFound, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.phones import clean_mobile
from engine.models.users import User
from engine.services.unit_of_work import UnitOfWork
from engine.services.users._profile import contact_errors, manager_id_for, roles_by_codes
from engine.services.users.access import load_actor, require
from engine.services.users.accounts import UserView, check_password, replace_password, user_view

logger = logging.getLogger(__name__)

LOCALES = ("fa", "ar", "en")


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
    for_user: str | None = None  # a substitute acted for this user: "actor for for_user" (§7)


def set_locale(uow: UnitOfWork, *, user_id: int, locale: str) -> None:
    """Remember the user's language (fa, ar or en) for every later page (E1)."""
    if locale not in LOCALES:
        raise ValidationFailed.single("language", f"must be one of: {', '.join(LOCALES)}")
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


@dataclass(frozen=True)
class UserEdit:
    """What an administrator changes about a user; None leaves a value as it is."""

    roles: Sequence[str] | None = None  # role codes
    is_active: bool | None = None
    full_name: str | None = None
    email: str | None = None  # "" removes the address
    mobile: str | None = None  # "" removes the number
    manager: str | None = None  # a username; "" removes the manager
    locale: str | None = None
    password: str | None = None  # ends the user's sessions and tokens


def update_user(
    uow: UnitOfWork,
    *,
    actor_id: int,
    edit: UserEdit,
    user_id: int | None = None,
    username: str | None = None,
) -> UserView:
    """Change a user, found by id or username (needs manage_users).

    Raises NotFound for an unknown user, ValidationFailed naming each bad field (an
    unknown role or manager, a loop of managers, a bad email, mobile, locale or password),
    and InvalidState when an admin would lock themselves out (deactivate themselves or
    drop their own user management). A new password ends the user's sessions and
    revokes their API tokens, as ``set_password`` does.
    """
    _check_edit(edit)
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, Perm.MANAGE_USERS)
        user = _target(uow, user_id, username)
        before = user_view(user)
        _apply_edit(uow, user, edit)
        if user.id == actor.id and (
            not user.is_active or Perm.MANAGE_USERS not in user.permissions
        ):
            raise InvalidState("you cannot lock yourself out; ask another administrator")
        after = user_view(user)
        uow.audit.record(
            actor_id=actor.id,
            action="user.update",
            entity="user",
            entity_id=user.id,
            details=_changes(before, after),
        )
        if edit.password is not None:
            replace_password(uow, user, edit.password, actor_id=actor.id)
        uow.commit()
        return after


def _check_edit(edit: UserEdit) -> None:
    errors = contact_errors(edit.email, edit.mobile)
    if edit.locale is not None and edit.locale not in LOCALES:
        errors["locale"] = [f"must be one of: {', '.join(LOCALES)}"]
    if edit.password is not None:
        try:
            check_password(edit.password, field="password")
        except ValidationFailed as error:
            errors.update(error.fields)
    if errors:
        raise ValidationFailed(errors)


def _target(uow: UnitOfWork, user_id: int | None, username: str | None) -> User:
    if user_id is not None:
        return uow.users.get_for_update(user_id)
    user = uow.users.by_username(username or "")
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def _apply_edit(uow: UnitOfWork, user: User, edit: UserEdit) -> None:
    if edit.roles is not None:
        user.roles = roles_by_codes(uow, edit.roles)
    if edit.is_active is not None:
        user.is_active = edit.is_active
    if edit.full_name is not None:
        user.full_name = edit.full_name.strip()[:200]
    if edit.email is not None:
        user.email = clean_email(edit.email)
    if edit.mobile is not None:
        user.mobile = clean_mobile(edit.mobile)
    if edit.manager is not None:
        manager_id = manager_id_for(uow, user.id, edit.manager)
        user.manager = uow.users.get(manager_id) if manager_id is not None else None
    if edit.locale is not None:
        user.locale = edit.locale


def _changes(before: UserView, after: UserView) -> dict[str, object]:
    """Return {field: [before, after]} for what changed (the audit row's details)."""
    fields = ("roles", "is_active", "full_name", "email", "mobile", "manager", "locale")
    return {
        name: [getattr(before, name), getattr(after, name)]
        for name in fields
        if getattr(before, name) != getattr(after, name)
    }


def search_audit(
    uow: UnitOfWork,
    *,
    actor_id: int,
    actor: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    text: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[AuditView]:
    """Return audit rows newest first: who did what, when and from where (needs view_audit).

    ``actor`` is a username; ``since`` and ``until`` are business days, both included.
    """
    if since and until and until < since:
        raise ValidationFailed.single("to", "must not be before from")
    with uow:
        require(load_actor(uow, actor_id), Perm.VIEW_AUDIT)
        who_id = None
        if actor:
            user = uow.users.by_username(actor.strip())
            if user is None:
                raise ValidationFailed.single("actor", f"unknown user {actor!r}")
            who_id = user.id
        rows = uow.audit.search(
            actor_id=who_id,
            action=action or None,
            entity=entity or None,
            text=text or None,
            # a day runs from the end of the one before it to its own end, business time
            since=clock.end_of_business_day(since - timedelta(days=1)) if since else None,
            until=clock.end_of_business_day(until) if until else None,
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
                _name_of(names, (r.details or {}).get("for_user")),
            )
            for r in rows
        ]


def _name_of(names: dict[int, str], user_id: object) -> str | None:
    return names.get(user_id) if isinstance(user_id, int) else None
