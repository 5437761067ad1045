"""Sign-in with back-off per client, and server-side sessions (SPEC E2, issue 10 #8).

Failed sign-ins are rows (shared by every web worker), counted per (user name, client
address) and per client address: a client that keeps failing waits, longer each time,
while the same user signs in from elsewhere undisturbed. Unknown names, inactive users
and wrong passwords fail alike, in about the same time, with the same message.

Each user has a session token, part of every session cookie; sign-out and password change
replace it, so a cookie copied earlier stops working everywhere.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

from engine import clock
from engine.domain.errors import PermissionDenied, TooManyAttempts
from engine.domain.logins import PER_CLIENT, PER_NAME_AND_CLIENT, WINDOW, client_key
from engine.models.users import User
from engine.services.unit_of_work import UnitOfWork
from engine.services.users._passwords import verify_password
from engine.services.users.accounts import UserView, user_view

BAD_CREDENTIALS = "wrong username or password"


def authenticate(
    uow: UnitOfWork, *, username: str, password: str, remote_addr: str | None = None
) -> int:
    """Return the user id for good credentials.

    Raises PermissionDenied (one message for every bad case) or TooManyAttempts when
    this client must wait; the failure is committed either way.
    """
    client = client_key(remote_addr)
    name = username[:80]
    with uow:
        now = clock.now()
        wait = _retry_after(uow, name=name, client=client, now=now)
        if wait:
            raise TooManyAttempts(
                f"too many failed sign-ins from this address; try again in {wait} seconds",
                retry_after=wait,
            )
        user = uow.users.by_username(username)
        valid = verify_password(user.password_hash if user else None, password)
        if user is None or not user.is_active or not valid:
            uow.users.record_failure(username=name, client=client, now=now)
            if user is not None:
                _audit(uow, user, "auth.failed", client)
            uow.commit()
            raise PermissionDenied(BAD_CREDENTIALS)
        uow.users.forget_failures(username=name, client=client)
        _audit(uow, user, "auth.login", client)
        uow.commit()
        return user.id


def start_session(uow: UnitOfWork, *, user_id: int) -> str:
    """Return the user's session token (made at the first sign-in) for the cookie."""
    with uow:
        uow.users.set_first_session_token(user_id, secrets.token_urlsafe(32))
        uow.commit()
        token = uow.users.get(user_id).session_token
        assert token is not None
        return token


def end_sessions(uow: UnitOfWork, *, user_id: int) -> str:
    """Replace the user's session token: every session cookie of the user stops working.

    Returns the new token (for a session that should go on, as after a password change).
    """
    with uow:
        user = uow.users.get(user_id)
        user.session_token = secrets.token_urlsafe(32)
        uow.audit.record(actor_id=user.id, action="auth.logout", entity="user", entity_id=user.id)
        uow.commit()
        return user.session_token


def session_user(uow: UnitOfWork, *, user_id: int, session_token: str) -> UserView | None:
    """Return the user of a session cookie, or None when the session was ended."""
    with uow:
        user = uow.users.find(user_id)
        if user is None or not user.is_active or user.session_token is None:
            return None
        if not hmac.compare_digest(user.session_token.encode(), session_token.encode()):
            return None
        return user_view(user)


def _retry_after(uow: UnitOfWork, *, name: str, client: str, now: datetime) -> int:
    since = now - WINDOW
    per_name = uow.users.failures(client=client, since=since, username=name)
    per_client = uow.users.failures(client=client, since=since)
    return max(
        PER_NAME_AND_CLIENT.retry_after(*per_name, now),
        PER_CLIENT.retry_after(*per_client, now),
    )


def _audit(uow: UnitOfWork, user: User, action: str, client: str) -> None:
    uow.audit.record(
        actor_id=user.id, action=action, entity="user", entity_id=user.id, remote_addr=client
    )
