"""/api/v1/followup-levels and /api/v1/followups: levels, customers needing action, sends.

SPEC F1 (levels), F4 (a customer's follow-up fields), F5 (manual send), F7 (history),
F8 (customers needing action, bulk processing). Permissions are checked in the services.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.followups import ACTIVITY_TYPES, MAX_DAYS, MIN_DAYS, MODES
from engine.domain.messages import CHANNELS
from engine.services.followups import (
    SEND_CHANNELS,
    LevelInput,
    ManualSend,
    create_level,
    customer_history,
    delete_level,
    get_customer_followup,
    list_levels,
    list_needing_action,
    manual_send,
    process_customers,
    update_customer_followup,
    update_level,
)
from web.api.fields import DecimalString, Id, LocalDate, LocalInteger, Offset, Text
from web.context import actor_id, new_uow, require_token

levels_blp = Blueprint(
    "followup_levels",
    __name__,
    url_prefix="/api/v1/followup-levels",
    description="Follow-up levels (F1)",
)
levels_blp.before_request(require_token)
blp = Blueprint(
    "followups",
    __name__,
    url_prefix="/api/v1/followups",
    description="Customers' overdue follow-ups (F4-F8)",
)
blp.before_request(require_token)

_TEXTS = fields.Dict(
    keys=Text(validate=validate.OneOf(("fa", "ar", "en"))),
    values=fields.Dict(
        keys=Text(validate=validate.OneOf(("subject", "body", "sms"))),
        values=Text(validate=validate.Length(max=10000)),
    ),
)


class FollowupLevelFields(Schema):
    description = Text(validate=validate.Length(min=1, max=200))
    days = LocalInteger(validate=validate.Range(min=MIN_DAYS, max=MAX_DAYS))
    channels = fields.List(Text(validate=validate.OneOf(CHANNELS)))
    templates = _TEXTS
    automatic = fields.Boolean()
    attach_invoices = fields.Boolean()
    add_follower = fields.Boolean()
    activity_type = Text(allow_none=True, validate=validate.OneOf(ACTIVITY_TYPES))
    activity_summary = Text(validate=validate.Length(max=200))
    is_active = fields.Boolean()


class FollowupLevelIn(FollowupLevelFields):
    description = Text(required=True, validate=validate.Length(min=1, max=200))
    days = LocalInteger(required=True, validate=validate.Range(min=MIN_DAYS, max=MAX_DAYS))


class FollowupLevelOut(FollowupLevelFields):
    id = Id()
    lock_version = LocalInteger()


class FollowupNeedingQuery(Schema):
    on = LocalDate(load_default=None)
    limit = LocalInteger(load_default=50, validate=validate.Range(min=1, max=500))
    offset = Offset()


class FollowupCustomerOut(Schema):
    contact_id = Id()
    customer = Text()
    status = Text()
    mode = Text()
    level_id = Id(allow_none=True)
    level = Text(allow_none=True)
    next_date = LocalDate(allow_none=True)
    next_date_manual = fields.Boolean()
    responsible_id = Id(allow_none=True)
    overdue_count = LocalInteger()
    overdue_total = DecimalString()
    last_processed_on = LocalDate(allow_none=True)
    instance_id = Id(allow_none=True)
    lock_version = LocalInteger()


class FollowupCustomerPatch(Schema):
    mode = Text(validate=validate.OneOf(MODES))
    next_date = LocalDate(allow_none=True)
    responsible_id = Id(allow_none=True)


class FollowupHistoryOut(Schema):
    id = Id()
    at = fields.DateTime()
    on_date = LocalDate()
    kind = Text()
    actor_id = Id(allow_none=True)
    level_id = Id(allow_none=True)
    channel = Text(allow_none=True)
    recipient = Text(allow_none=True)
    message_id = Id(allow_none=True)
    document_ids = fields.List(LocalInteger())
    note = Text()


class FollowupMessageOut(Schema):
    contact_id = Id()
    customer = Text()
    invoice_numbers = fields.List(Text())
    level_id = Id()
    level = Text()
    days = LocalInteger()
    channel = Text()
    recipient = Text()
    message_id = Id(allow_none=True)


class FollowupProcessIn(Schema):
    contact_ids = fields.List(LocalInteger(), required=True, validate=validate.Length(min=1))
    on = LocalDate(load_default=None)


class FollowupSendIn(Schema):
    channels = fields.List(
        Text(validate=validate.OneOf(SEND_CHANNELS)),
        required=True,
        validate=validate.Length(min=1),
    )
    document_ids = fields.List(LocalInteger(), load_default=list)
    templates = fields.Dict(
        keys=Text(validate=validate.OneOf(("fa", "ar", "en"))),
        values=fields.Dict(
            keys=Text(validate=validate.OneOf(("subject", "body", "sms"))),
            values=Text(validate=validate.Length(max=10000)),
        ),
        load_default=None,
    )
    level_id = Id(load_default=None)
    attach_invoices = fields.Boolean(load_default=True)
    recipients = fields.Dict(
        keys=Text(validate=validate.OneOf(CHANNELS)),
        values=Text(validate=validate.Length(min=1, max=254)),
        load_default=dict,
    )
    and_print = fields.Boolean(load_default=False)


@levels_blp.route("", methods=["GET"])
@levels_blp.response(200, FollowupLevelOut(many=True))
def levels_index() -> Any:
    """List the follow-up levels in firing order."""
    return list_levels(new_uow(), actor_id=actor_id())


@levels_blp.route("", methods=["POST"])
@levels_blp.arguments(FollowupLevelIn)
@levels_blp.response(201, FollowupLevelOut)
def levels_create(body: dict[str, Any]) -> Any:
    """Add a level (needs manage_followup_levels)."""
    body["channels"] = tuple(body.get("channels", ()))
    return create_level(new_uow(), LevelInput(**body), actor_id=actor_id())


@levels_blp.route("/<int:level_id>", methods=["PATCH"])
@levels_blp.arguments(FollowupLevelFields)
@levels_blp.response(200, FollowupLevelOut)
def levels_patch(body: dict[str, Any], level_id: int) -> Any:
    """Change some fields of a level; a change of days moves customers' next steps."""
    if "channels" in body:
        body["channels"] = tuple(body["channels"])
    return update_level(new_uow(), level_id=level_id, changes=body, actor_id=actor_id())


@levels_blp.route("/<int:level_id>", methods=["DELETE"])
@levels_blp.response(204)
def levels_delete(level_id: int) -> Any:
    """Delete a level (one that history points at is deactivated instead)."""
    delete_level(new_uow(), level_id=level_id, actor_id=actor_id())
    return ""


@blp.route("", methods=["GET"])
@blp.arguments(FollowupNeedingQuery, location="query")
@blp.response(200, FollowupCustomerOut(many=True))
def index(query: dict[str, Any]) -> Any:
    """List customers whose next follow-up step is due (by ``on``, default today) (F8)."""
    return list_needing_action(new_uow(), actor_id=actor_id(), **query)


@blp.route("/process", methods=["POST"])
@blp.arguments(FollowupProcessIn)
@blp.response(200, FollowupMessageOut(many=True))
def process(body: dict[str, Any]) -> Any:
    """Process these customers now, manual ones included; return the messages queued (F8)."""
    return process_customers(
        new_uow(), contact_ids=body["contact_ids"], actor_id=actor_id(), on=body["on"]
    )


@blp.route("/<int:contact_id>", methods=["GET"])
@blp.response(200, FollowupCustomerOut)
def show(contact_id: int) -> Any:
    """Return a customer's follow-up status, level, next date and responsible user (F4)."""
    return get_customer_followup(new_uow(), contact_id=contact_id, actor_id=actor_id())


@blp.route("/<int:contact_id>", methods=["PATCH"])
@blp.arguments(FollowupCustomerPatch)
@blp.response(200, FollowupCustomerOut)
def patch(body: dict[str, Any], contact_id: int) -> Any:
    """Change mode (automatic/manual), next date or responsible user (F4)."""
    return update_customer_followup(
        new_uow(), contact_id=contact_id, changes=body, actor_id=actor_id()
    )


@blp.route("/<int:contact_id>/history", methods=["GET"])
@blp.response(200, FollowupHistoryOut(many=True))
def history(contact_id: int) -> Any:
    """Return every follow-up action on the customer, newest first (F7)."""
    return customer_history(new_uow(), contact_id=contact_id, actor_id=actor_id())


@blp.route("/<int:contact_id>/send", methods=["POST"])
@blp.arguments(FollowupSendIn)
@blp.response(201, FollowupMessageOut(many=True))
def send(body: dict[str, Any], contact_id: int) -> Any:
    """Send a reminder by hand: email, SMS, letter or print, with a changed text (F5)."""
    cmd = ManualSend(
        contact_id=contact_id,
        channels=tuple(body["channels"]),
        document_ids=tuple(body["document_ids"]),
        templates=body["templates"],
        level_id=body["level_id"],
        attach_invoices=body["attach_invoices"],
        recipients=body["recipients"],
        and_print=body["and_print"],
    )
    return manual_send(new_uow(), cmd, actor_id=actor_id())
