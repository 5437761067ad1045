"""/api/v1/messages: outbox messages with their delivery status (C4, E5)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.messages import CHANNELS, STATUSES
from engine.services.messaging import list_messages
from web.api.fields import Id, LocalInteger, Offset, Text
from web.context import actor_id, new_uow, require_token

blp = Blueprint("messages", __name__, url_prefix="/api/v1/messages", description="Messages")
blp.before_request(require_token)


class MessageQuery(Schema):
    contact_id = Id(load_default=None, validate=validate.Range(min=1))
    document_id = Id(load_default=None, validate=validate.Range(min=1))
    status = Text(load_default=None, validate=validate.OneOf(STATUSES))
    channel = Text(load_default=None, validate=validate.OneOf(CHANNELS))
    limit = LocalInteger(load_default=100, validate=validate.Range(min=1, max=500))
    offset = Offset()


class MessageOut(Schema):
    id = Id()
    channel = Text()
    recipient = Text()
    locale = Text()
    template = Text(allow_none=True)
    subject = Text(allow_none=True)
    status = Text()
    attempts = LocalInteger()
    contact_id = Id(allow_none=True)
    document_ids = fields.List(LocalInteger())
    idempotency_key = Text()
    origin = Text()
    provider_message_id = Text(allow_none=True)
    last_error = Text(allow_none=True)
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
