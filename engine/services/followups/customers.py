"""A customer's follow-up as people see and change it: list, status, history.

SPEC F4 (status, level, mode, next date, responsible), F7 (history),
F8 (who needs action). Lists read the customer_followup rows and one grouped query of
the overdue invoices per page, never a workflow. Hand-made reminders (F5): reminders.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from engine import clock
from engine.domain.errors import NotFound, ValidationFailed
from engine.domain.followups import MODES
from engine.domain.permissions import Perm
from engine.models.followups import CustomerFollowup, FollowupEvent
from engine.repositories.visibility import Viewer
from engine.services.followups._schedule import MIN_DELAY, start_of
from engine.services.processes._runs import restore_run, save_run
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require, viewer_of
from engine.workflow import NO_OPERATORS

EDITABLE = ("mode", "next_date", "responsible_id")


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


def list_needing_action(
    uow: UnitOfWork, *, actor_id: int, on: date | None = None, limit: int = 50, offset: int = 0
) -> list[CustomerFollowupView]:
    """Return customers whose next step is due by ``on`` (default today), oldest first (F8)."""
    with uow:
        viewer = follower_viewer(uow, actor_id)
        day = on or clock.business_today()
        rows = uow.followups.needing_action(day, limit=min(limit, 500), offset=max(offset, 0))
        return _views(uow, rows, day, viewer)


def get_customer_followup(
    uow: UnitOfWork, *, contact_id: int, actor_id: int
) -> CustomerFollowupView:
    """Return one customer's follow-up state; NotFound if it was never followed up."""
    with uow:
        viewer = follower_viewer(uow, actor_id)
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
        viewer = follower_viewer(uow, actor_id)
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


def follower_viewer(uow: UnitOfWork, actor_id: int) -> Viewer | None:
    """Load the actor, check they work follow-ups (F4-F8), and return what they see."""
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
