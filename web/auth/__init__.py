"""Web sessions (Flask-Login): who is signed in, and helpers that ask what they may do.

The helpers only decide what a page *offers*; every command is checked again in the
service layer (E2, I11), so a hand-made POST is refused there anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort
from flask_login import LoginManager, UserMixin, current_user, login_required

from engine.domain.errors import PermissionDenied
from engine.domain.permissions import Perm
from engine.services.users import UserView, session_user
from web.context import new_uow

__all__ = ["SessionUser", "can", "init_login", "login_required", "permission_required"]

F = TypeVar("F", bound=Callable[..., Any])

login_manager = LoginManager()


class SessionUser(UserMixin):  # type: ignore[misc]
    """The signed-in user as the pages see it: a plain view, reloaded per request.

    The session cookie holds "<user id>:<session token>"; the token is the user's current
    one or the session is over (sign-out and password change replace it, issue 10 #8).
    """

    def __init__(self, view: UserView, session_token: str) -> None:
        self.id = view.id
        self.session_token = session_token
        self.username = view.username
        self.full_name = view.full_name or view.username
        self.locale = view.locale
        self.roles = view.roles
        self.permissions = frozenset(view.permissions)

    def get_id(self) -> str:
        """Return what the session cookie keeps: the user id and the session token."""
        return f"{self.id}:{self.session_token}"

    def can(self, permission: Perm | str) -> bool:
        """Tell whether the user holds ``permission`` (for offering a button or link)."""
        return str(permission) in self.permissions


def _load_user(session_id: str) -> SessionUser | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token or len(user_id) > 18:
        return None  # includes cookies from before session tokens: sign in again
    view = session_user(new_uow(), user_id=int(user_id), session_token=token)
    return SessionUser(view, token) if view is not None else None


def can(permission: Perm | str) -> bool:
    """Tell whether the current user holds ``permission``."""
    return bool(current_user.is_authenticated and current_user.can(permission))


def permission_required(permission: Perm) -> Callable[[F], F]:
    """Refuse a page (403) to users without ``permission``; sign-in is required first."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required  # type: ignore[misc]
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.can(permission):
                raise PermissionDenied(f"you need the {permission.value!r} permission for this")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def init_login(app: Flask) -> None:
    """Wire Flask-Login: sessions, the login page, and 401s for htmx calls."""
    login_manager.init_app(app)
    login_manager.login_view = "account.login"
    login_manager.login_message = ""
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)


def forbid() -> None:
    """Answer 403 (for a page that is not offered to this user)."""
    abort(403)
