"""The service tasks of bpmn/overdue_followup.bpmn, and starting a customer's follow-up.

One process instance per customer waits on a timer for the customer's next level
(plan_followup computes it from the levels at run time). When it fires,
check_followup re-reads the open invoices (F2), the send_* tasks write outbox rows
with an idempotency key per customer, level, channel and date, schedule_activity
feeds the activity user task, and record_followup stores how far each invoice got and
records StartFollowUp: the customer's next instance (continue-as-new keeps each stored
state small) starts after the run is saved (issue 11 §3, engine.services.processes._effects).
Everything joins the transaction of the command that woke the instance.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine import clock
from engine.domain.errors import InvalidState
from engine.domain.followups import (
    DueAction,
    LevelRule,
    OpenInvoice,
    due_action,
    idempotency_key,
)
from engine.domain.messages import Channel
from engine.models.contacts import Contact
from engine.models.followups import CustomerFollowup, FollowupLevel, InvoiceFollowup
from engine.services.followups._batch import FollowupBatch, PendingMessage
from engine.services.followups._messages import build_message, recipient_for
from engine.services.followups._schedule import plan_customer
from engine.services.processes._effects import RunContext, StartFollowUp
from engine.workflow import OperatorCall

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FollowupMessage:
    """One message a follow-up pass queued (or, in a dry run, would queue)."""

    contact_id: int
    customer: str
    invoice_numbers: tuple[str, ...]
    level_id: int
    level: str
    days: int
    channel: str
    recipient: str
    message_id: int | None = None

    @classmethod
    def of(
        cls,
        contact: Contact,
        numbers: Iterable[str],
        level: FollowupLevel,
        channel: str,
        recipient: str,
        message_id: int | None = None,
    ) -> FollowupMessage:
        """Describe a message to ``contact`` about the invoices ``numbers`` at ``level``."""
        return cls(
            contact.id,
            contact.name,
            tuple(numbers),
            level.id,
            level.description,
            level.days,
            channel,
            recipient,
            message_id,
        )


@dataclass
class FollowupContext:
    """What the command that wakes the instances decides: the date, whether forced."""

    on: date | None = None
    force: bool = False  # a person processes it: manual customers and levels too (F8)
    sent: list[FollowupMessage] = field(default_factory=list)
    batch: FollowupBatch | None = None


def may_act(state: CustomerFollowup, rule: LevelRule, on: date, *, force: bool) -> bool:
    """Tell whether a due level goes out automatically (F1 automatic, F4 manual mode/date)."""
    if force:
        return True
    if state.next_date_manual and state.next_date is not None and state.next_date > on:
        return False
    return state.mode == "automatic" and rule.automatic


def followup_context(run: RunContext) -> FollowupContext:
    """Return the run's follow-up context, made (with its batch) on first use."""
    if run.followup is None:
        run.followup = FollowupContext()
    if run.followup.batch is None:
        run.followup.batch = FollowupBatch(run.uow, sent=run.followup.sent, on=run.followup.on)
    return run.followup


class FollowupOperators:
    """The follow-up operators, seen by one run (its context holds the batch)."""

    def __init__(self, run: RunContext) -> None:
        self.run = run
        self.uow = run.uow
        self.actor_id = run.actor_id
        self.context = followup_context(run)
        assert self.context.batch is not None  # followup_context made it
        self.cache: FollowupBatch = self.context.batch

    # helpers ---------------------------------------------------------------
    @property
    def on(self) -> date:
        return self.context.on or clock.business_today()

    def rules(self) -> list[LevelRule]:
        return self.cache.rules()

    def _contact(self, call: OperatorCall) -> Contact:
        contact_id = call.data.get("contact_id")
        if not isinstance(contact_id, int):
            raise InvalidState(f"service task {call.element_id} has no contact_id in its data")
        return self.cache.contact(contact_id)

    def _open(self, contact_id: int) -> list[OpenInvoice]:
        return self.cache.open_invoices(contact_id)

    def _level(self, call: OperatorCall) -> FollowupLevel:
        level = self.cache.level(int(str(call.data["level_id"])))
        if level is None:
            raise InvalidState(f"follow-up level {call.data['level_id']} no longer exists")
        return level

    def _event(self, contact_id: int, kind: str, **fields: Any) -> None:
        self.cache.record_event(self._event_row(contact_id, kind, **fields))

    def _event_row(self, contact_id: int, kind: str, **fields: Any) -> dict[str, Any]:
        return {
            "contact_id": contact_id,
            "at": clock.now(),
            "on_date": self.on,
            "actor_id": self.actor_id,
            "kind": kind,
            "level_id": None,
            "channel": None,
            "recipient": None,
            "message_id": None,
            "document_ids": [],
            "note": "",
            **fields,
        }

    # operators -------------------------------------------------------------
    def plan_followup(self, call: OperatorCall) -> Mapping[str, object]:
        """Store the customer's next date and return the timer's date (F1, F4)."""
        contact = self._contact(call)
        state = self.cache.state(contact.id)
        plan = plan_customer(
            state, self.rules(), self._open(contact.id), on=self.on, now=clock.now()
        )
        return {
            "has_open": plan.has_open,
            "next_at": plan.next_at.isoformat() if plan.next_at else "",
        }

    def check_followup(self, call: OperatorCall) -> Mapping[str, object]:
        """Decide whether a level fires now; paid invoices never count (F2)."""
        contact = self._contact(call)
        state = self.cache.state(contact.id)
        action = due_action(self.rules(), self._open(contact.id), self.on)
        if action is None:
            return {"act": False}
        if not may_act(state, action.level, self.on, force=self.context.force):
            if state.status != "action_needed" and not state.next_date_manual:
                state.status = "action_needed"
                self._event(
                    contact.id, "due", level_id=action.level.id, note="waiting for a person"
                )
            return {"act": False}
        return _action_data(action, self.on)

    def send_email(self, call: OperatorCall) -> None:
        self._send(call, Channel.EMAIL)

    def send_sms(self, call: OperatorCall) -> None:
        self._send(call, Channel.SMS)

    def send_letter(self, call: OperatorCall) -> None:
        self._send(call, Channel.LETTER)

    def _send(self, call: OperatorCall, channel: str) -> None:
        """Queue one message for the level, if the invoices are still open (F2, F6)."""
        contact = self._contact(call)
        level = self._level(call)
        listed = {int(str(i)) for i in _as_list(call.data.get("listed"))}
        still_open = [inv for inv in self._open(contact.id) if inv.id in listed]
        recipient = recipient_for(contact, channel)
        if not still_open or not recipient:
            note = "paid meanwhile" if not still_open else f"no {channel} address"
            self._event(contact.id, "skipped", level_id=level.id, channel=channel, note=note)
            return
        message = build_message(contact, level, still_open, channel)
        if message is None:
            self._event(contact.id, "skipped", level_id=level.id, channel=channel, note="no text")
            return
        key = idempotency_key(contact.id, level.id, channel, self.on)
        document_ids = [inv.id for inv in still_open]
        request = {
            "channel": channel,
            "recipient": recipient,
            "locale": message.locale,
            "context": message.context,
            "idempotency_key": key,
            "subject_source": message.subject,
            "body_source": message.body,
            "contact_id": contact.id,
            "document_ids": document_ids,
            "attach_documents": level.attach_invoices,
            "origin": f"followup:{level.id}",
        }
        event = self._event_row(
            contact.id,
            "message",
            level_id=level.id,
            channel=channel,
            recipient=recipient,
            document_ids=document_ids,
            note="customer follows replies" if level.add_follower else "",
        )
        numbers = (inv.number for inv in still_open)
        report = FollowupMessage.of(contact, numbers, level, channel, recipient)
        self.cache.queue_message(PendingMessage(request, event, report))
        if level.add_follower:  # F1: the customer's replies join these invoices' threads
            self.cache.add_followers(document_ids, contact.id, f"followup:{level.id}")

    def schedule_activity(self, call: OperatorCall) -> Mapping[str, object]:
        """Give the activity user task its assignee and summary (F1, F4 responsible)."""
        contact = self._contact(call)
        state = self.cache.state(contact.id)
        level = self._level(call)
        self._event(contact.id, "activity", level_id=level.id, note=level.activity_summary)
        return {
            "responsible_id": state.responsible_id,
            "activity_type": level.activity_type,
            "activity_summary": level.activity_summary,
            "contact_name": contact.name,
        }

    def record_followup(self, call: OperatorCall) -> None:
        """Store the level each invoice reached, then start the customer's next instance."""
        contact = self._contact(call)
        state = self.cache.state(contact.id)
        level_id = int(str(call.data["level_id"]))
        raw = call.data.get("reached")
        reached = {int(k): int(str(v)) for k, v in (raw if isinstance(raw, dict) else {}).items()}
        by_days = {rule.days: rule.id for rule in self.rules()}
        progress = self.cache.progress(list(reached))
        for document_id, days in reached.items():
            row = progress.get(document_id)
            if row is None:
                row = InvoiceFollowup(document_id=document_id, contact_id=contact.id)
                self.cache.add_progress(row)
            row.level_days, row.level_id, row.last_on = days, by_days.get(days), self.on
        self.cache.applied(contact.id, reached)
        state.level_id, state.last_processed_on = level_id, self.on
        state.status, state.next_date_manual = "waiting", False
        self._event(contact.id, "level", level_id=level_id, document_ids=sorted(reached))
        # Continue as new: the next instance starts after this run is saved (issue 11 §3).
        self.run.effects.append(StartFollowUp(contact.id))


FOLLOWUP_OPERATOR_NAMES = (
    "plan_followup",
    "check_followup",
    "send_email",
    "send_sms",
    "send_letter",
    "schedule_activity",
    "record_followup",
)


def _followup_operator(name: str) -> Callable[[RunContext, OperatorCall], Any]:
    def operator(run: RunContext, call: OperatorCall) -> Any:
        return getattr(FollowupOperators(run), name)(call)  # looked up per call (tests patch)

    operator.__name__ = name
    return operator


# Name -> function taking the run's context; part of engine.services.processes._operators.OPERATORS.
FOLLOWUP_OPERATORS = {name: _followup_operator(name) for name in FOLLOWUP_OPERATOR_NAMES}


def _action_data(action: DueAction, on: date) -> dict[str, object]:
    return {
        "act": True,
        "level_id": action.level.id,
        "channels": list(action.level.channels),
        "activity": action.level.activity,
        "on": on.isoformat(),
        "listed": [inv.id for inv in action.listed],
        "reached": {str(k): v for k, v in action.reached.items()},
    }


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []
