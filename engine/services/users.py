"""Users, passwords (argon2), API tokens (hashed at rest) and login throttling (E2)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from engine import clock
from engine.domain.emails import clean_email
from engine.domain.errors import PermissionDenied, ValidationFailed
from engine.domain.permissions import Perm
from engine.models.users import ApiToken, User
from engine.services.access import load_actor, require
from engine.services.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)

_hasher = PasswordHasher()
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    full_name: str
    locale: str
    roles: list[str]
    permissions: list[str]
    is_active: bool = True
    email: str | None = None


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
    actor_id: int | None = None,
) -> int:
    """Create a user with these roles; ``actor_id`` None is the CLI (the machine's operator)."""
    errors: dict[str, str] = {}
    if not username.strip() or len(username) > 80:
        errors["username"] = "is required (at most 80 characters)"
    if len(password) < 4:
        errors["password"] = "must have at least 4 characters"
    try:
        email = clean_email(email)
    except ValidationFailed as error:
        errors.update({k: "; ".join(v) for k, v in error.fields.items()})
    if errors:
        raise ValidationFailed(errors)
    with uow:
        if actor_id is not None:
            require(load_actor(uow, actor_id), Perm.MANAGE_USERS)
        if uow.users.by_username(username) is not None:
            raise ValidationFailed.single("username", "is taken")
        role_rows = []
        for name in roles:
            role = uow.users.role(name)
            if role is None:
                raise ValidationFailed.single("roles", f"unknown role {name!r}")
            role_rows.append(role)
        user = uow.users.add(
            User(
                username=username,
                full_name=full_name,
                email=email,
                locale=locale,
                password_hash=_hasher.hash(password),
                roles=role_rows,
            )
        )
        uow.audit.record(
            actor_id=actor_id,
            action="user.create",
            entity="user",
            entity_id=user.id,
            details={"roles": list(roles)},
        )
        uow.commit()
        return user.id


def authenticate(
    uow: UnitOfWork, *, username: str, password: str, remote_addr: str | None = None
) -> int:
    """Return the user id for good credentials; raise PermissionDenied otherwise.

    Five failures lock the account for 15 minutes (the failures are committed).
    """
    with uow:
        user = uow.users.by_username(username)
        now = clock.now()
        if user is None or not user.is_active:
            _hasher.hash(password)  # same work either way, so timing tells nothing
            raise PermissionDenied("wrong username or password")
        if user.locked_until is not None and user.locked_until > now:
            raise PermissionDenied("too many failed logins; try again later")
        if not _verify(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until, user.failed_logins = now + LOCKOUT, 0
            uow.audit.record(
                actor_id=user.id,
                action="auth.failed",
                entity="user",
                entity_id=user.id,
                remote_addr=remote_addr,
            )
            uow.commit()
            raise PermissionDenied("wrong username or password")
        user.failed_logins, user.locked_until = 0, None
        uow.audit.record(
            actor_id=user.id,
            action="auth.login",
            entity="user",
            entity_id=user.id,
            remote_addr=remote_addr,
        )
        uow.commit()
        return user.id


def issue_token(uow: UnitOfWork, *, user_id: int, ttl_hours: int) -> IssuedToken:
    """Create an API token; only its SHA-256 is stored."""
    token = secrets.token_urlsafe(32)
    with uow:
        uow.session.add(
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
    """Return the public view of a loaded user."""
    return UserView(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        locale=user.locale,
        roles=[r.name for r in user.roles],
        permissions=sorted(user.permissions),
        is_active=user.is_active,
        email=user.email,
    )


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
