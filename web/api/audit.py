"""GET /api/v1/audit and /api/v1/saved-filters: the audit log search and a user's saved
cartable filters, as the pages have them (E2, ARCHITECTURE §6, issue 17 §4)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.services.cartable import delete_filter, list_filters, save_filter
from engine.services.users import search_audit
from web.api.fields import Id, LocalDate, LocalInteger, Offset, Text, validate
from web.context import actor_id, new_uow, require_token

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Audit log")
blp.before_request(require_token)
filters_blp = Blueprint(
    "saved_filters", __name__, url_prefix="/api/v1/saved-filters", description="Saved filters"
)
filters_blp.before_request(require_token)


class AuditQuery(Schema):
    actor = Text(max_length=80, metadata={"description": "a username"})
    action = Text(max_length=60, metadata={"description": "an action, or its prefix"})
    entity = Text(max_length=40)
    q = Text(max_length=200, metadata={"description": "words in the details"})
    from_ = LocalDate(data_key="from", metadata={"description": "first business day"})
    to = LocalDate(metadata={"description": "last business day (included)"})
    limit = LocalInteger(load_default=50, validate=validate.Range(min=1, max=500))
    offset = Offset()


class AuditOut(Schema):
    id = Id()
    at = fields.DateTime()
    actor_id = Id(allow_none=True)
    actor = Text()
    action = Text()
    entity = Text()
    entity_id = Text(allow_none=True)
    details = fields.Dict()
    remote_addr = Text(allow_none=True)
    for_user = Text(
        allow_none=True,
        metadata={"description": "the user a substitute acted for: actor for for_user (§7)"},
    )


class FilterIn(Schema):
    name = Text(required=True, max_length=80)
    params = fields.Dict(
        keys=Text(max_length=40),
        values=Text(max_length=200),
        load_default=dict,
        metadata={"description": "the cartable's query parameters (GET /api/v1/tasks)"},
    )


class FilterOut(Schema):
    id = Id()
    name = Text()
    params = fields.Dict(keys=Text(), values=Text())


@blp.route("", methods=["GET"])
@blp.arguments(AuditQuery, location="query")
@blp.response(200, AuditOut(many=True))
def search(query: dict[str, Any]) -> Any:
    """Search the audit log, newest first (needs view_audit)."""
    return search_audit(
        new_uow(),
        actor_id=actor_id(),
        actor=query.get("actor"),
        action=query.get("action"),
        entity=query.get("entity"),
        text=query.get("q"),
        since=query.get("from_"),
        until=query.get("to"),
        limit=query["limit"],
        offset=query["offset"],
    )


@filters_blp.route("", methods=["GET"])
@filters_blp.response(200, FilterOut(many=True))
def index() -> Any:
    """Return the caller's saved cartable filters by name."""
    return list_filters(new_uow(), actor_id=actor_id())


@filters_blp.route("", methods=["POST"])
@filters_blp.arguments(FilterIn)
@filters_blp.response(201, FilterOut)
def create(body: dict[str, Any]) -> Any:
    """Keep the filters under a name; the caller's filter of the same name is replaced.

    Parameters the cartable does not take are dropped.
    """
    return save_filter(new_uow(), actor_id=actor_id(), name=body["name"], params=body["params"])


@filters_blp.route("/<int:filter_id>", methods=["DELETE"])
@filters_blp.response(204)
def delete(filter_id: int) -> None:
    """Forget one of the caller's filters (another user's is 404)."""
    delete_filter(new_uow(), actor_id=actor_id(), filter_id=filter_id)
