"""Users, password changes, API tokens (hashed at rest) (E2); sign-in is in logins.py."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from engine import clock
from engine.domain.emails import clean_email
from engine.domain.errors import ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.phones import clean_mobile
from engine.models.users import ApiToken, User
from engine.services.unit_of_work import UnitOfWork
from engine.services.users._passwords import MIN_LENGTH, hash_password, verify_password
from engine.services.users._profile import contact_errors, manager_id_for, roles_by_codes
from engine.services.users.access import load_actor, require

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    full_name: str
    locale: str
    roles: list[str]  # role codes
    permissions: list[str]
    is_active: bool = True
    email: str | None = None
    mobile: str | None = None
    manager: str | None = None  # the manager's username
    role_names: list[str] | None = None  # display names, in the order of ``roles``
    # Opted in: a message when a task is assigned to the user personally (issue 12 §7).
    notify_assigned_email: bool = False
    notify_assigned_sms: bool = False


@dataclass(frozen=True)
class IssuedToken:
    token: str
    user_id: int
    expires_in: int


def create_user(
    uow: UnitOfWork,
    *,
    username: str,
    password: str,
    roles: Sequence[str],
    full_name: str = "",
    locale: str = "fa",
    email: str | None = None,
    mobile: str | None = None,
    manager: str = "",
    actor_id: int | None = None,
) -> int:
    """Create a user with these roles (codes); ``actor_id`` None is the CLI (the machine's
    operator). ``manager`` is another user's username ("" for none).

    Raises ValidationFailed naming each bad field: ``username`` (empty, too long, taken),
    ``password`` (too short), ``email``, ``mobile``, ``roles`` (unknown), ``manager``.
    """
    errors = contact_errors(email, mobile)
    if not username.strip() or len(username) > 80:
        errors["username"] = ["is required (at most 80 characters)"]
    if len(password) < MIN_LENGTH:
        errors["password"] = [f"must have at least {MIN_LENGTH} characters"]
    if errors:
        raise ValidationFailed(errors)
    with uow:
        if actor_id is not None:
            require(load_actor(uow, actor_id), Perm.MANAGE_USERS)
        if uow.users.by_username(username) is not None:
            raise ValidationFailed.single("username", "is taken")
        user = uow.users.add(
            User(
                username=username,
                full_name=full_name,
                email=clean_email(email),
                mobile=clean_mobile(mobile),
                manager_id=manager_id_for(uow, None, manager),
                locale=locale,
                password_hash=hash_password(password),
                roles=roles_by_codes(uow, roles),
            )
        )
        uow.audit.record(
            actor_id=actor_id,
            action="user.create",
            entity="user",
            entity_id=user.id,
            details={"roles": [r.code for r in user.roles], "manager": manager.strip() or None},
        )
        uow.commit()
        return user.id


def change_password(
    uow: UnitOfWork, *, user_id: int, current_password: str, new_password: str
) -> str:
    """Change the user's own password after checking the current one.

    Ends every session and revokes every API token of the user (issue 10 #8); returns
    the new session token so that the session making the change can go on.
    """
    check_password(new_password, field="new_password")
    with uow:
        user = uow.users.get(user_id)
        if not verify_password(user.password_hash, current_password):
            raise ValidationFailed.single("current_password", "is wrong")
        token = replace_password(uow, user, new_password, actor_id=user_id)
        uow.commit()
        return token


def set_password(
    uow: UnitOfWork, *, username: str, new_password: str, actor_id: int | None = None
) -> None:
    """Set a user's password (an administrator, or the CLI when ``actor_id`` is None);
    ends the user's sessions and revokes their API tokens."""
    check_password(new_password, field="password")
    with uow:
        if actor_id is not None:
            require(load_actor(uow, actor_id), Perm.MANAGE_USERS)
        user = uow.users.by_username(username)
        if user is None:
            raise ValidationFailed.single("username", "no such user")
        replace_password(uow, user, new_password, actor_id=actor_id)
        uow.commit()


def replace_password(uow: UnitOfWork, user: User, password: str, *, actor_id: int | None) -> str:
    """Stage a new password: every session of the user ends and their API tokens go
    (issue 10 #8). Return the new session token; the caller commits."""
    user.password_hash = hash_password(password)
    user.session_token = secrets.token_urlsafe(32)
    revoked = uow.users.revoke_tokens(user.id)
    uow.audit.record(
        actor_id=actor_id,
        action="user.password",
        entity="user",
        entity_id=user.id,
        details={"revoked_tokens": revoked},
    )
    return user.session_token


def check_password(password: str, *, field: str) -> None:
    """Raise ValidationFailed naming ``field`` unless ``password`` is strong enough."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed.single(field, f"must have at least {MIN_LENGTH} characters")


def issue_token(uow: UnitOfWork, *, user_id: int, ttl_hours: int) -> IssuedToken:
    """Create an API token; only its SHA-256 is stored."""
    token = secrets.token_urlsafe(32)
    with uow:
        uow.users.add_token(
            ApiToken(
                user_id=user_id,
                token_hash=_digest(token),
                expires_at=clock.now() + timedelta(hours=ttl_hours),
            )
        )
        uow.commit()
    return IssuedToken(token=token, user_id=user_id, expires_in=ttl_hours * 3600)


def user_for_token(uow: UnitOfWork, *, token: str) -> int | None:
    """Return the user id of a valid, unexpired token, or None."""
    with uow:
        row = uow.users.token(_digest(token), clock.now())
        if row is None:
            return None
        user = uow.users.find(row.user_id)
        return user.id if user is not None and user.is_active else None


def get_user(uow: UnitOfWork, *, user_id: int) -> UserView:
    """Return a user's public view."""
    with uow:
        return user_view(uow.users.get(user_id))


def user_view(user: User) -> UserView:
    """Return the public view of a loaded user (roles by code)."""
    roles = sorted(user.roles, key=lambda r: r.code)
    return UserView(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        locale=user.locale,
        roles=[r.code for r in roles],
        permissions=sorted(user.permissions),
        is_active=user.is_active,
        email=user.email,
        mobile=user.mobile,
        manager=user.manager.username if user.manager is not None else None,
        role_names=[r.name for r in roles],
        notify_assigned_email=user.notify_assigned_email,
        notify_assigned_sms=user.notify_assigned_sms,
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
