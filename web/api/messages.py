"""/api/v1/messages: outbox messages with their delivery status (C4, E5)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.models.outbox import CHANNELS, STATUSES
from engine.services.outbox import list_messages
from web.context import actor_id, new_uow, require_token

blp = Blueprint("messages", __name__, url_prefix="/api/v1/messages", description="Messages")
blp.before_request(require_token)


class MessageQuery(Schema):
    contact_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    document_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    channel = fields.String(load_default=None, validate=validate.OneOf(CHANNELS))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class MessageOut(Schema):
    id = fields.Integer()
    channel = fields.String()
    recipient = fields.String()
    locale = fields.String()
    template = fields.String(allow_none=True)
    subject = fields.String(allow_none=True)
    status = fields.String()
    attempts = fields.Integer()
    contact_id = fields.Integer(allow_none=True)
    document_ids = fields.List(fields.Integer())
    idempotency_key = fields.String()
    origin = fields.String()
    provider_message_id = fields.String(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    next_attempt_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    failed_at = fields.DateTime(allow_none=True)


@blp.route("", methods=["GET"])
@blp.arguments(MessageQuery, location="query")
@blp.response(200, MessageOut(many=True))
def index(query: dict[str, Any]) -> Any:
    """List messages, newest first, filtered by contact, document, status or channel."""
    return list_messages(new_uow(), actor_id=actor_id(), **query)
