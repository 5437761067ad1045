"""What a request needs from the app: a fresh unit of work and the acting user."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request
from flask_smorest import abort
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings
from engine.services.unit_of_work import UnitOfWork
from engine.services.users import user_for_token


@dataclass
class Cartable:
    """The app's handles on the engine, kept in ``app.extensions["cartable"]``."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]


def cartable() -> Cartable:
    """Return the current app's Cartable handles."""
    handles: Cartable = current_app.extensions["cartable"]
    return handles


def new_uow() -> UnitOfWork:
    """Return a new unit of work on the app's database."""
    return UnitOfWork(cartable().session_factory)


def actor_id() -> int:
    """Return the id of the user making this API request (set by :func:`require_token`)."""
    return int(g.actor_id)


def require_token() -> None:
    """Authenticate the request by its bearer token; answer 401 without a valid one."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, message="send Authorization: Bearer <token> (POST /api/v1/auth/token)")
    user_id = user_for_token(new_uow(), token=token.strip())
    if user_id is None:
        abort(401, message="the token is unknown or expired")
    g.actor_id = user_id
