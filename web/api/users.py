"""/api/v1/roles and /api/v1/users: roles (code, name, permissions) and their members
(E2, issue 12 §2). Every call needs manage_users, except a user's own substitutes and
notices (issue 12 §7); the services check it."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.services.users import (
    UserEdit,
    create_delegation,
    create_role,
    create_user,
    delete_delegation,
    get_user,
    list_delegations,
    list_roles,
    list_users,
    set_assignment_notices,
    update_user,
)
from web.api.fields import Id, LocalDate, LocalInteger, Text
from web.context import actor_id, new_uow, require_token

roles_blp = Blueprint("roles", __name__, url_prefix="/api/v1/roles", description="Roles")
roles_blp.before_request(require_token)
blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Users")
blp.before_request(require_token)


class RoleIn(Schema):
    code = Text(required=True, max_length=40)
    name = Text(required=True, max_length=80)
    permissions = fields.List(Text(max_length=40), load_default=list)


class RoleOut(Schema):
    code = Text()
    name = Text()
    permissions = fields.List(Text())
    users = LocalInteger(metadata={"description": "how many users hold the role"})


class UserFields(Schema):
    roles = fields.List(Text(max_length=40), metadata={"description": "role codes"})
    email = Text(allow_none=True, max_length=254)
    mobile = Text(allow_none=True, max_length=32)
    manager = Text(allow_none=True, max_length=80, metadata={"description": "a username"})
    full_name = Text(max_length=200)
    locale = Text(max_length=5)


class UserIn(UserFields):
    username = Text(required=True, max_length=80)
    password = Text(required=True, load_only=True, max_length=200)


class UserPatch(UserFields):
    password = Text(load_only=True, max_length=200)
    is_active = fields.Boolean()


class UserOut(Schema):
    id = Id()
    username = Text()
    full_name = Text()
    email = Text(allow_none=True)
    mobile = Text(allow_none=True)
    manager = Text(allow_none=True)
    locale = Text()
    is_active = fields.Boolean()
    roles = fields.List(Text(), metadata={"description": "role codes"})
    permissions = fields.List(Text())
    notify_assigned_email = fields.Boolean()
    notify_assigned_sms = fields.Boolean()


class DelegationIn(Schema):
    substitute = Text(required=True, max_length=80, metadata={"description": "a username"})
    starts_on = LocalDate(required=True)
    ends_on = LocalDate(required=True)


class DelegationOut(Schema):
    id = Id()
    username = Text()
    substitute = Text()
    substitute_name = Text()
    starts_on = LocalDate()
    ends_on = LocalDate()
    active = fields.Boolean(metadata={"description": "runs today"})


class NoticesIn(Schema):
    email = fields.Boolean(required=True)
    sms = fields.Boolean(required=True)


@roles_blp.route("", methods=["GET"])
@roles_blp.response(200, RoleOut(many=True))
def roles_index() -> Any:
    """List the roles: code, name, permissions and member count."""
    return list_roles(new_uow(), actor_id=actor_id())


@roles_blp.route("", methods=["POST"])
@roles_blp.arguments(RoleIn)
@roles_blp.response(201, RoleOut)
def roles_create(body: dict[str, Any]) -> Any:
    """Create a role; 422 names the field for a taken or badly formed code or an unknown
    permission."""
    return create_role(new_uow(), actor_id=actor_id(), **body)


@blp.route("", methods=["GET"])
@blp.response(200, UserOut(many=True))
def users_index() -> Any:
    """List the users with their roles, email, mobile and manager."""
    return list_users(new_uow(), actor_id=actor_id())


@blp.route("", methods=["POST"])
@blp.arguments(UserIn)
@blp.response(201, UserOut)
def users_create(body: dict[str, Any]) -> Any:
    """Create a user; 422 names the field for a taken username, a weak password, an
    unknown role or manager, a bad email or mobile."""
    user_id = create_user(
        new_uow(),
        username=body["username"],
        password=body["password"],
        roles=body.get("roles") or [],
        full_name=body.get("full_name") or "",
        locale=body.get("locale") or "fa",
        email=body.get("email"),
        mobile=body.get("mobile"),
        manager=body.get("manager") or "",
        actor_id=actor_id(),
    )
    return get_user(new_uow(), user_id=user_id)


@blp.route("/<username>", methods=["PATCH"])
@blp.arguments(UserPatch)
@blp.response(200, UserOut)
def users_patch(body: dict[str, Any], username: str) -> Any:
    """Change some of a user's fields; a new password ends their sessions and tokens.

    An empty or null email, mobile or manager removes it.
    """
    for name in ("email", "mobile", "manager"):
        if name in body and body[name] is None:
            body[name] = ""
    return update_user(new_uow(), actor_id=actor_id(), username=username, edit=UserEdit(**body))


@blp.route("/<username>/delegations", methods=["GET"])
@blp.response(200, DelegationOut(many=True))
def delegations_index(username: str) -> Any:
    """List the user's substitutes, the earliest first (one's own, or manage_users)."""
    return list_delegations(new_uow(), actor_id=actor_id(), username=username)


@blp.route("/<username>/delegations", methods=["POST"])
@blp.arguments(DelegationIn)
@blp.response(201, DelegationOut)
def delegations_create(body: dict[str, Any], username: str) -> Any:
    """Name a substitute from starts_on to ends_on (both included): meanwhile the
    substitute sees and works the user's tasks and cartables, recorded as "X for Y".
    422 names substitute, starts_on (overlap) or ends_on."""
    return create_delegation(new_uow(), actor_id=actor_id(), username=username, **body)


@blp.route("/<username>/delegations/<int:delegation_id>", methods=["DELETE"])
@blp.response(204)
def delegations_delete(username: str, delegation_id: int) -> Any:
    """Remove a delegation (it ends now)."""
    delete_delegation(
        new_uow(), actor_id=actor_id(), username=username, delegation_id=delegation_id
    )
    return ""


@blp.route("/<username>/notices", methods=["PUT"])
@blp.arguments(NoticesIn)
@blp.response(200, UserOut)
def notices_put(body: dict[str, Any], username: str) -> Any:
    """Opt in or out of an email and an SMS when a task is assigned to the user
    personally; 422 names email or sms when the user has no address for it."""
    return set_assignment_notices(new_uow(), actor_id=actor_id(), username=username, **body)
