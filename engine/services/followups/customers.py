"""A customer's follow-up as people see and change it: list, status, history, manual send.

SPEC F4 (status, level, mode, next date, responsible), F5 (manual send), F7 (history),
F8 (who needs action). Lists read the customer_followup rows and one grouped query of
the overdue invoices per page, never a workflow.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from engine import clock
from engine.domain.errors import NotFound, ValidationFailed
from engine.domain.followups import CHANNELS, LOCALES, MODES, TEMPLATE_PARTS
from engine.domain.permissions import Perm
from engine.models.followups import CustomerFollowup, FollowupEvent
from engine.repositories.visibility import Viewer
from engine.services.followups._messages import (
    MessageText,
    build_message,
    recipient_for,
    template_errors,
)
from engine.services.followups._operators import FollowupMessage
from engine.services.followups._schedule import MIN_DELAY, start_of
from engine.services.followups.followers import add_followers
from engine.services.messaging.outbox import enqueue_message
from engine.services.processes._runs import restore_run, save_run
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require, viewer_of
from engine.workflow import NO_OPERATORS

EDITABLE = ("mode", "next_date", "responsible_id")
SEND_CHANNELS = (*CHANNELS, "print")


@dataclass(frozen=True)
class CustomerFollowupView:
    contact_id: int
    customer: str
    status: str
    mode: str
    level_id: int | None
    level: str | None
    next_date: date | None
    next_date_manual: bool
    responsible_id: int | None
    overdue_count: int
    overdue_total: Decimal
    last_processed_on: date | None
    instance_id: int | None
    lock_version: int


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime
    on_date: date
    kind: str
    actor_id: int | None
    level_id: int | None
    channel: str | None
    recipient: str | None
    message_id: int | None
    document_ids: tuple[int, ...]
    note: str


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


def list_needing_action(
    uow: UnitOfWork, *, actor_id: int, on: date | None = None, limit: int = 50, offset: int = 0
) -> list[CustomerFollowupView]:
    """Return customers whose next step is due by ``on`` (default today), oldest first (F8)."""
    with uow:
        viewer = _follower(uow, actor_id)
        day = on or clock.business_today()
        rows = uow.followups.needing_action(day, limit=min(limit, 500), offset=max(offset, 0))
        return _views(uow, rows, day, viewer)


def get_customer_followup(
    uow: UnitOfWork, *, contact_id: int, actor_id: int
) -> CustomerFollowupView:
    """Return one customer's follow-up state; NotFound if it was never followed up."""
    with uow:
        viewer = _follower(uow, actor_id)
        return _views(uow, [_state(uow, contact_id)], clock.business_today(), viewer)[0]


def customer_history(
    uow: UnitOfWork, *, contact_id: int, actor_id: int, limit: int = 200
) -> list[HistoryEntry]:
    """Return every follow-up action on the customer, newest first (F7)."""
    with uow:
        require(load_actor(uow, actor_id), Perm.FOLLOW_UP)
        return [_entry(e) for e in uow.followups.history(contact_id, limit=min(limit, 1000))]


def update_customer_followup(
    uow: UnitOfWork, *, contact_id: int, changes: Mapping[str, Any], actor_id: int
) -> CustomerFollowupView:
    """Change mode, next date or responsible user (F4); a new date moves the BPMN timer.

    Raises ValidationFailed naming the field, NotFound, PermissionDenied, Conflict.
    """
    _check_changes(changes)
    with uow:
        viewer = _follower(uow, actor_id)
        state = _state(uow, contact_id, lock=True)
        if "responsible_id" in changes and changes["responsible_id"] is not None:
            user = uow.users.find(int(changes["responsible_id"]))
            if user is None or not user.is_active:
                raise ValidationFailed.single("responsible_id", "unknown or disabled user")
        for name in ("mode", "responsible_id"):
            if name in changes:
                setattr(state, name, changes[name])
        if changes.get("mode") == "automatic" and state.status == "action_needed":
            state.status = "waiting"
        if "next_date" in changes:
            state.next_date = changes["next_date"]
            state.next_date_manual = changes["next_date"] is not None
            _move_timer(uow, state)
        state.updated_at = clock.now()
        uow.followups.record(
            FollowupEvent(
                contact_id=contact_id,
                at=clock.now(),
                on_date=clock.business_today(),
                actor_id=actor_id,
                kind="edited",
                note=json.dumps({k: str(v) for k, v in changes.items()}, ensure_ascii=False),
            )
        )
        uow.commit()
        return _views(uow, [state], clock.business_today(), viewer)[0]


def manual_send(uow: UnitOfWork, cmd: ManualSend, *, actor_id: int) -> list[FollowupMessage]:
    """Queue a hand-made reminder by the chosen channels; "print" queues a letter (F5).

    The same text to the same customer on the same day is queued once. Raises
    ValidationFailed naming the field (channels, document_ids, templates, recipients).
    """
    channels = _send_channels(cmd)
    with uow:
        viewer = _follower(uow, actor_id)  # a hand-made reminder holds what they see
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
    parts = {"sms": message.body} if channel == "sms" else {"body": message.body}
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
    return list(dict.fromkeys("letter" if c == "print" else c for c in wanted))


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


def _move_timer(uow: UnitOfWork, state: CustomerFollowup) -> None:
    """Point the customer's waiting timer at its (new) next date (F4: editable by hand)."""
    if state.instance_id is None or state.next_date is None:
        return
    instance = uow.processes.get_for_update(state.instance_id)
    if instance.status != "running":
        return
    run = restore_run(uow, instance, NO_OPERATORS)  # moving a timer runs no service task
    run.move_timers(max(start_of(state.next_date), clock.now() + MIN_DELAY))
    save_run(uow, instance, run)


def _check_changes(changes: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {k: "not an editable field" for k in changes if k not in EDITABLE}
    if "mode" in changes and changes["mode"] not in MODES:
        errors["mode"] = f"must be one of: {', '.join(MODES)}"
    if "next_date" in changes and not isinstance(changes["next_date"], date | None):
        errors["next_date"] = "must be a date"
    if errors:
        raise ValidationFailed(errors)


def _state(uow: UnitOfWork, contact_id: int, *, lock: bool = False) -> CustomerFollowup:
    state = uow.followups.of_contact(contact_id, lock=lock)
    if state is None:
        raise NotFound(f"customer {contact_id} has no follow-up")
    return state


def _follower(uow: UnitOfWork, actor_id: int) -> Viewer | None:
    actor = load_actor(uow, actor_id)
    require(actor, Perm.FOLLOW_UP)
    return viewer_of(uow, actor)


def _views(
    uow: UnitOfWork, rows: Sequence[CustomerFollowup], on: date, viewer: Viewer | None
) -> list[CustomerFollowupView]:
    ids = [row.contact_id for row in rows]
    totals = uow.followups.overdue_totals(ids, on, viewer)
    contacts = uow.followups.contacts(ids)
    levels = {level.id: level.description for level in uow.followups.levels(active_only=False)}
    return [
        CustomerFollowupView(
            contact_id=row.contact_id,
            customer=contacts[row.contact_id].name,
            status=row.status,
            mode=row.mode,
            level_id=row.level_id,
            level=levels.get(row.level_id) if row.level_id else None,
            next_date=row.next_date,
            next_date_manual=row.next_date_manual,
            responsible_id=row.responsible_id,
            overdue_count=totals.get(row.contact_id, (0, Decimal(0)))[0],
            overdue_total=totals.get(row.contact_id, (0, Decimal(0)))[1],
            last_processed_on=row.last_processed_on,
            instance_id=row.instance_id,
            lock_version=row.lock_version,
        )
        for row in rows
    ]


def _entry(event: FollowupEvent) -> HistoryEntry:
    return HistoryEntry(
        id=event.id,
        at=event.at,
        on_date=event.on_date,
        kind=event.kind,
        actor_id=event.actor_id,
        level_id=event.level_id,
        channel=event.channel,
        recipient=event.recipient,
        message_id=event.message_id,
        document_ids=tuple(event.document_ids or ()),
        note=event.note,
    )
