"""Messages to colleagues about their cartable steps: reminders, new assignments (issue 12).

They go through the outbox in the caller's transaction (ARCHITECTURE §7), to the
user's own email address or mobile number, in the user's language; a user without the
address a channel needs gets nothing on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine import clock
from engine.domain import localize
from engine.domain.messages import Channel
from engine.domain.steps import StepRegistry, label_in
from engine.models.outbox import LOCALES
from engine.models.users import User
from engine.models.workflow import HumanTask
from engine.services.messaging.outbox import enqueue_messages
from engine.services.unit_of_work import AbstractUnitOfWork

REMINDER_TEMPLATE = "task_reminder"
ASSIGNED_TEMPLATE = "task_assigned"


def notify_holders(
    uow: AbstractUnitOfWork,
    *,
    row: HumanTask,
    users: Iterable[User],
    channels: Iterable[Channel],
    template: str,
    registry: StepRegistry,
    key: str,
) -> list[int]:
    """Stage one message per user and channel about the step ``row``; return the user ids.

    ``key`` makes them idempotent (one per user and channel). Raises nothing for a user
    without an address: that user is left out.
    """
    requests: list[dict[str, Any]] = []
    reached: list[int] = []
    wanted = tuple(channels)
    for user in users:
        locale = user.locale if user.locale in LOCALES else LOCALES[0]
        for channel in wanted:
            address = (user.email if channel is Channel.EMAIL else user.mobile) or ""
            if not address.strip():
                continue
            requests.append(
                {
                    "channel": channel.value,
                    "recipient": address,
                    "locale": locale,
                    "template": template,
                    "context": _context(row, registry, locale),
                    "idempotency_key": f"{key}:{user.id}:{channel.value}",
                    "document_ids": [row.document_id] if row.document_id else [],
                    "origin": f"task:{row.id}",
                }
            )
            reached.append(user.id)
    if requests:
        enqueue_messages(uow, requests)
    return sorted(set(reached))


def notify_assigned(uow: AbstractUnitOfWork, row: HumanTask, registry: StepRegistry) -> None:
    """Tell the (flushed) task's assignee it is theirs, on the channels they opted in to
    (issue 12 §7); nothing for a user who did not."""
    user = uow.users.find(row.assignee_id) if row.assignee_id else None
    if user is None or not user.is_active:
        return
    chosen = ((Channel.EMAIL, user.notify_assigned_email), (Channel.SMS, user.notify_assigned_sms))
    channels = [channel for channel, wanted in chosen if wanted]
    if channels:
        notify_holders(
            uow,
            row=row,
            users=[user],
            channels=channels,
            template=ASSIGNED_TEMPLATE,
            registry=registry,
            key=f"task-assigned:{row.id}:{user.id}",
        )


def _context(row: HumanTask, registry: StepRegistry, locale: str) -> dict[str, str]:
    step = registry.step(row.element_id)
    return {
        "step": label_in(step.labels, locale, row.name) if step else row.name,
        "document": localize.local_digits(row.document_label or "", locale),
        "contact": row.contact_name or "",
        "due": localize.format_datetime(row.due_at, locale, clock.business_zone()),
    }
