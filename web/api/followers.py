"""/api/v1/documents/{id}/followers and /thread: who follows an invoice, and writing to them.

SPEC F1 (the customer as a follower of replies), F7 (the thread's history), C4 (the
emails go through the outbox). Permissions are checked in engine.services.followups.followers.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.services.followups import (
    BODY_LIMIT,
    SUBJECT_LIMIT,
    follow_document,
    list_followers,
    post_to_thread,
    unfollow_document,
)
from web.api.fields import Id, Text
from web.context import actor_id, new_uow, require_token

blp = Blueprint(
    "followers",
    __name__,
    url_prefix="/api/v1/documents",
    description="A document's followers and thread (F1)",
)
blp.before_request(require_token)


class FollowerIn(Schema):
    contact_id = Id(required=True, validate=validate.Range(min=1))


class FollowerOut(Schema):
    contact_id = Id()
    name = Text()
    email = Text(allow_none=True)
    origin = Text()
    added_at = fields.DateTime()


class ThreadPostIn(Schema):
    body = Text(required=True, validate=validate.Length(max=BODY_LIMIT))
    subject = Text(load_default=None, validate=validate.Length(max=SUBJECT_LIMIT))


class ThreadMessageOut(Schema):
    id = Id()
    contact_id = Id()
    recipient = Text()
    locale = Text()
    status = Text()


@blp.route("/<int:document_id>/followers", methods=["GET"])
@blp.response(200, FollowerOut(many=True))
def index(document_id: int) -> Any:
    """List the contacts following the document (its thread's recipients)."""
    return list_followers(new_uow(), document_id=document_id, actor_id=actor_id())


@blp.route("/<int:document_id>/followers", methods=["POST"])
@blp.arguments(FollowerIn)
@blp.response(201, FollowerOut)
def create(body: dict[str, Any], document_id: int) -> Any:
    """Add a contact to the document's followers (idempotent; needs manage_contacts)."""
    return follow_document(
        new_uow(), document_id=document_id, contact_id=body["contact_id"], actor_id=actor_id()
    )


@blp.route("/<int:document_id>/followers/<int:contact_id>", methods=["DELETE"])
@blp.response(204)
def delete(document_id: int, contact_id: int) -> Any:
    """Remove a contact from the document's followers (needs manage_contacts)."""
    unfollow_document(
        new_uow(), document_id=document_id, contact_id=contact_id, actor_id=actor_id()
    )
    return ""


@blp.route("/<int:document_id>/thread", methods=["POST"])
@blp.arguments(ThreadPostIn)
@blp.response(201, ThreadMessageOut(many=True))
def post(body: dict[str, Any], document_id: int) -> Any:
    """Write to the document's followers: one email each, replies come back to it.

    With an ``Idempotency-Key`` header (1-64 letters, digits, '-', '_'), a repeated
    request returns the first one's messages and sends nothing more.
    """
    return post_to_thread(
        new_uow(),
        actor_id=actor_id(),
        document_id=document_id,
        body=body["body"],
        subject=body["subject"],
        request_key=request.headers.get("Idempotency-Key"),
    )
