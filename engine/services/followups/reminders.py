"""Hand-made reminders to a customer (SPEC F5, F6): by the chosen channels, or a letter.

The text is a level's, or one the person changed; it is checked against the customer
before anything is queued, and the same text on the same day is queued once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine import clock
from engine.domain.errors import ValidationFailed
from engine.domain.followups import LOCALES, TEMPLATE_PARTS
from engine.domain.messages import CHANNELS, Channel
from engine.models.followups import FollowupEvent
from engine.services.followups._messages import (
    MessageText,
    build_message,
    recipient_for,
    template_errors,
)
from engine.services.followups._operators import FollowupMessage
from engine.services.followups.customers import follower_viewer
from engine.services.followups.followers import add_followers
from engine.services.messaging.outbox import enqueue_message
from engine.services.unit_of_work import UnitOfWork

SEND_CHANNELS = (*CHANNELS, "print")


@dataclass(frozen=True)
class ManualSend:
    """F5: what a person sends by hand (channels may include "print": a letter to print)."""

    contact_id: int
    channels: tuple[str, ...]
    document_ids: tuple[int, ...] = ()  # empty: every open invoice of the customer
    templates: Mapping[str, Mapping[str, str]] | None = None  # a changed text, by locale
    level_id: int | None = None  # whose text to use when no template is given
    attach_invoices: bool = True
    recipients: Mapping[str, str] = field(default_factory=dict)  # channel -> override (F6)
    and_print: bool = False  # "send and print"


def manual_send(uow: UnitOfWork, cmd: ManualSend, *, actor_id: int) -> list[FollowupMessage]:
    """Queue a hand-made reminder by the chosen channels; "print" queues a letter (F5).

    The same text to the same customer on the same day is queued once. Raises
    ValidationFailed naming the field (channels, document_ids, templates, recipients).
    """
    channels = _send_channels(cmd)
    with uow:
        viewer = follower_viewer(uow, actor_id)  # a hand-made reminder holds what they see
        contact = uow.contacts.get(cmd.contact_id)
        invoices = uow.followups.open_invoices([contact.id], viewer=viewer).get(contact.id, [])
        if cmd.document_ids:
            unknown = set(cmd.document_ids) - {inv.id for inv in invoices}
            if unknown:
                raise ValidationFailed.single(
                    "document_ids", f"not open invoices of this customer: {sorted(unknown)}"
                )
            invoices = [inv for inv in invoices if inv.id in cmd.document_ids]
        if not invoices:
            raise ValidationFailed.single("document_ids", "the customer has no open invoice")
        level = _level_for(uow, cmd, contact.id)
        out = [
            _queue_manual(uow, cmd, contact, level, invoices, channel, actor_id)
            for channel in channels
        ]
        if level.add_follower:  # F1: the customer's replies join these invoices' threads
            document_ids = [inv.id for inv in invoices]
            add_followers(
                uow, document_ids=document_ids, contact_id=contact.id, origin=f"followup:{level.id}"
            )
        uow.commit()
        return out


def _queue_manual(
    uow: UnitOfWork,
    cmd: ManualSend,
    contact: Any,
    level: Any,
    invoices: Sequence[Any],
    channel: str,
    actor_id: int,
) -> FollowupMessage:
    recipient = recipient_for(contact, channel, cmd.recipients.get(channel))
    if not recipient:
        raise ValidationFailed.single(f"recipients.{channel}", f"the customer has no {channel}")
    message = build_message(contact, level, invoices, channel, templates=cmd.templates)
    if message is None:
        raise ValidationFailed.single("templates", f"no text for {channel}")
    _check_text(message, channel)
    today = clock.business_today()
    digest = hashlib.sha256(
        json.dumps([message.subject, message.body, recipient, [i.id for i in invoices]]).encode()
    ).hexdigest()[:16]
    message_id = enqueue_message(
        uow,
        channel=channel,
        recipient=recipient,
        locale=message.locale,
        context=message.context,
        idempotency_key=f"followup-manual:{contact.id}:{channel}:{today.isoformat()}:{digest}",
        subject_source=message.subject,
        body_source=message.body,
        contact_id=contact.id,
        document_ids=[inv.id for inv in invoices],
        attach_documents=cmd.attach_invoices,
        origin=f"followup:manual:{level.id}",
    )
    uow.followups.record(
        FollowupEvent(
            contact_id=contact.id,
            at=clock.now(),
            on_date=today,
            actor_id=actor_id,
            kind="manual",
            level_id=level.id,
            channel=channel,
            recipient=recipient,
            message_id=message_id,
            document_ids=[inv.id for inv in invoices],
        )
    )
    numbers = (inv.number for inv in invoices)
    return FollowupMessage.of(contact, numbers, level, channel, recipient, message_id)


def _check_text(message: MessageText, channel: str) -> None:
    """Refuse a text that fails to render for this customer: nothing is queued (#3)."""
    parts = {"sms": message.body} if channel == Channel.SMS else {"body": message.body}
    if message.subject is not None:
        parts["subject"] = message.subject
    errors = template_errors({message.locale: parts}, context=message.context)
    if errors:
        raise ValidationFailed(errors)


def _send_channels(cmd: ManualSend) -> list[str]:
    wanted = list(dict.fromkeys(cmd.channels))
    if not wanted:
        raise ValidationFailed.single(
            "channels", f"choose one or more of {', '.join(SEND_CHANNELS)}"
        )
    unknown = [c for c in wanted if c not in SEND_CHANNELS]
    if unknown:
        raise ValidationFailed.single("channels", f"unknown: {', '.join(unknown)}")
    if cmd.templates is not None:
        for locale, parts in cmd.templates.items():
            if locale not in LOCALES or any(p not in TEMPLATE_PARTS for p in parts):
                raise ValidationFailed.single(f"templates.{locale}", "unknown language or part")
    if cmd.and_print:
        wanted.append("print")
    # "print" is a letter queued for printing (ARCHITECTURE §7: letters are PDFs)
    return list(dict.fromkeys(Channel.LETTER if c == "print" else c for c in wanted))


def _level_for(uow: UnitOfWork, cmd: ManualSend, contact_id: int) -> Any:
    if cmd.level_id is not None:
        level = uow.followups.level(cmd.level_id)
        if level is None:
            raise ValidationFailed.single("level_id", f"unknown level {cmd.level_id}")
        return level
    state = uow.followups.of_contact(contact_id)
    level = uow.followups.level(state.level_id) if state and state.level_id else None
    levels = uow.followups.levels()
    if level is None and not levels:
        raise ValidationFailed.single("level_id", "there is no follow-up level")
    return level or levels[min(1, len(levels) - 1)]
