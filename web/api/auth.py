"""POST /api/v1/auth/token: trade a username and password for a bearer token."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.services.users import authenticate, get_user, issue_token, set_locale
from web.api.fields import Id, LocalInteger, Text
from web.context import actor_id, cartable, new_uow, require_token

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Tokens")


class Credentials(Schema):
    username = Text(required=True)
    password = Text(required=True, load_only=True)


class TokenOut(Schema):
    token = Text()
    user_id = Id()
    expires_in = LocalInteger()


class MePatch(Schema):
    language = Text(required=True, max_length=5, metadata={"description": "fa, ar or en"})


class MeOut(Schema):
    id = Id()
    username = Text()
    full_name = Text()
    email = Text(allow_none=True)
    locale = Text()
    language = fields.Function(
        lambda user: user.locale, metadata={"description": "fa, ar or en (the locale)"}
    )
    roles = fields.List(Text())
    permissions = fields.List(Text())


@blp.route("/token", methods=["POST"])
@blp.arguments(Credentials)
@blp.response(200, TokenOut)
@blp.alt_response(403, description="Wrong username or password")
@blp.alt_response(429, description="Too many failed sign-ins from this address; see Retry-After")
@blp.doc(security=[])
def token(body: dict[str, Any]) -> Any:
    """Return a bearer token for good credentials.

    A client that keeps failing is answered 429 with Retry-After (per address, and per
    user name from that address; issue 10 #8); 403 names no reason, for any bad case.
    """
    user_id = authenticate(
        new_uow(),
        username=body["username"],
        password=body["password"],
        remote_addr=request.remote_addr,
    )
    return issue_token(new_uow(), user_id=user_id, ttl_hours=cartable().settings.token_ttl_hours)


@blp.route("/me", methods=["GET"])
@blp.response(200, MeOut)
def me() -> Any:
    """Return the caller with their roles and permissions."""
    require_token()
    return get_user(new_uow(), user_id=actor_id())


@blp.route("/me", methods=["PATCH"])
@blp.arguments(MePatch)
@blp.response(200, MeOut)
def change_me(body: dict[str, Any]) -> Any:
    """Change the caller's language: pages, PDFs and messages to them follow it."""
    require_token()
    set_locale(new_uow(), user_id=actor_id(), locale=body["language"])
    return get_user(new_uow(), user_id=actor_id())
