"""POST /webhooks/sendgrid, /webhooks/twilio and /webhooks/inbound-email."""

from __future__ import annotations

import hmac
import json
import logging
import re
from email.parser import HeaderParser
from email.utils import getaddresses
from html import unescape
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from engine import clock
from engine.domain.messages import SENDGRID_EVENTS, TWILIO_STATUSES
from engine.services.messaging import InboundReply, record_delivery_status, record_reply
from web.context import cartable, new_uow
from web.errors import error_body
from web.webhooks.signatures import sendgrid_valid, twilio_valid

logger = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp"
INBOUND_MAX_BYTES = 30 * 1024 * 1024  # SendGrid Inbound Parse's largest message


def _forbidden() -> ResponseReturnValue:
    return jsonify(error_body(403, "bad or missing signature")), 403


@bp.route("/sendgrid", methods=["POST"])
def sendgrid_events() -> ResponseReturnValue:
    """Apply SendGrid's signed event batch to the messages it names."""
    payload = request.get_data(as_text=True)
    if not sendgrid_valid(
        public_key=cartable().settings.sendgrid_webhook_public_key,
        payload=payload,
        signature=request.headers.get(SIGNATURE, ""),
        timestamp=request.headers.get(TIMESTAMP, ""),
        now=clock.now(),
    ):
        return _forbidden()
    try:
        events = json.loads(payload)
    except (ValueError, RecursionError):  # RecursionError: nested past the interpreter's limit
        return jsonify(error_body(400, "the body is not JSON")), 400
    if not isinstance(events, list):
        return jsonify(error_body(400, "expected a JSON list of events")), 400
    updated = sum(1 for event in events if isinstance(event, dict) and _sendgrid_event(event))
    return jsonify({"updated": updated})


def _sendgrid_event(event: dict[str, Any]) -> bool:
    status = SENDGRID_EVENTS.get(str(event.get("event")))
    if status is None:
        return False
    sg_id = str(event.get("sg_message_id") or "").split(".", 1)[0] or None
    detail = str(event.get("reason") or event.get("response") or event.get("event"))
    message_id = record_delivery_status(
        new_uow(),
        status=status,
        idempotency_key=str(event["cartable_key"]) if event.get("cartable_key") else None,
        provider_id=sg_id,
        detail=f"SendGrid {event.get('event')}: {detail}"[:500],
    )
    return message_id is not None


@bp.route("/twilio", methods=["POST"])
def twilio_status() -> ResponseReturnValue:
    """Apply Twilio's signed status callback to the message it names."""
    settings = cartable().settings
    url = request.url
    if settings.public_url:  # behind a proxy Twilio signed the public address
        url = settings.public_url.rstrip("/") + request.full_path.rstrip("?")
    form = request.form.to_dict()
    if not twilio_valid(
        auth_token=settings.twilio_auth_token,
        url=url,
        params=form,
        signature=request.headers.get("X-Twilio-Signature", ""),
    ):
        return _forbidden()
    status = TWILIO_STATUSES.get(form.get("MessageStatus", ""))
    if status is None:
        return jsonify({"updated": 0})
    error = form.get("ErrorCode")
    message_id = record_delivery_status(
        new_uow(),
        status=status,
        idempotency_key=request.args.get("key") or None,
        provider_id=form.get("MessageSid") or None,
        detail=f"Twilio {form.get('MessageStatus')}" + (f" error {error}" if error else ""),
    )
    return jsonify({"updated": int(message_id is not None)})


@bp.route("/inbound-email", methods=["POST"])
def inbound_email() -> ResponseReturnValue:
    """File a customer's emailed reply with the documents it answers (F1, F7).

    SendGrid Inbound Parse posts the email as multipart form fields (from, to, cc,
    subject, text, html, envelope, headers). The basic-auth password or the ``token``
    query parameter must equal CARTABLE_INBOUND_TOKEN (403 otherwise; 404 while replies
    are not set up). An email that names no message of ours, or a forged one, gets 200
    and is ignored, so the provider does not retry it forever.
    """
    settings = cartable().settings
    replies = settings.reply_addresses()
    if not settings.inbound_token or replies is None:
        return jsonify(error_body(404, "inbound email is not set up")), 404
    # The password of HTTP basic auth (https://inbound:<token>@host/… in SendGrid's
    # settings) keeps the token out of access logs; ?token= is accepted too.
    auth = request.authorization
    token = (auth.password if auth and auth.password else None) or request.args.get("token", "")
    if not hmac.compare_digest(token.encode(), settings.inbound_token.encode()):
        return jsonify(error_body(403, "bad or missing token")), 403
    # Replies may carry attachments (ignored, not stored) far over the app's request
    # limit; SendGrid posts emails up to 30 MB. Raised here only, after the token check
    # and before the body is read (issue 10 #5).
    request.max_content_length = max(INBOUND_MAX_BYTES, settings.max_request_bytes)
    form = request.form
    found = replies.match(_addresses(form))
    if found.message_id is None:
        logger.warning("inbound email ignored: %s", found.reason)
        return jsonify({"ignored": found.reason})
    outcome = record_reply(
        new_uow(),
        InboundReply(
            message_id=found.message_id,
            sender=form.get("from", "").strip(),
            subject=form.get("subject", ""),
            text=form.get("text") or _html_text(form.get("html", "")),
            provider_key=_message_id(form.get("headers", "")),
        ),
    )
    if not outcome.recorded:
        return jsonify({"ignored": outcome.reason})
    return jsonify({"recorded": list(outcome.document_ids)})


def _addresses(form: Any) -> list[str]:
    """Return the recipients of an inbound email: To and Cc headers, then the envelope."""
    headers = [form.get(name, "") for name in ("to", "cc")]
    found = [address for _name, address in getaddresses(headers) if address]
    try:
        envelope = json.loads(form.get("envelope") or "{}")
    except ValueError:
        envelope = {}
    recipients = envelope.get("to") if isinstance(envelope, dict) else None
    if isinstance(recipients, list):
        found.extend(str(address) for address in recipients)
    return found


def _message_id(raw_headers: str) -> str:
    return str(HeaderParser().parsestr(raw_headers).get("Message-ID") or "").strip()


_TAG = re.compile(r"<[^>]+>")


def _html_text(html: str) -> str:
    """Return the words of an HTML-only reply (its tags dropped) for the history line."""
    return unescape(_TAG.sub(" ", html))
