"""A user task's timers: its deadline, the reminders and the escalation (issue 12 §6).

A timer is a BPMN boundary timer event attached to a user task. Its duration is
counted in working hours over the company calendar (engine.domain.work_calendar), so
``PT8H`` set on Wednesday at 15:00 falls on Saturday when Thursday closes at noon and
Friday is the weekend. A *non-interrupting* timer leaves the step where it is and
reminds its holder (the assignee, or else every member of the lane's roles) on the
channels it names; an *interrupting* one ends the step, and the step its flow opens next
goes to the first escalation target that applies: the previous holder's manager, or a
lane. The diagram declares both (docs/bpmn.md); this module holds the types and rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from engine.domain.messages import Channel

MANAGER = "manager"  # the escalation target "the previous holder's manager"
# The document history lines a timer writes.
REMINDED = "step_reminded"
ESCALATED = "step_escalated"
# Channels a reminder may go by: a person's own address or phone (no letters).
REMINDER_CHANNELS = (Channel.EMAIL, Channel.SMS)


@dataclass(frozen=True)
class StepTimer:
    """What a boundary timer of a user task does when it fires."""

    element_id: str  # the boundary event
    step_id: str  # the user task it is attached to
    interrupting: bool
    remind: tuple[Channel, ...] = ()  # non-interrupting: remind the holder on these
    escalate: tuple[str, ...] = ()  # interrupting: MANAGER or lane names, tried in order


@dataclass(frozen=True)
class TimerDue:
    """When one of a waiting step's timers fires (aware UTC)."""

    element_id: str
    at: datetime
    interrupting: bool


def step_deadline(timers: Iterable[TimerDue]) -> datetime | None:
    """Return the step's due time: its first interrupting timer, else its first timer.

    The interrupting timer is the one that takes the step away: it is the deadline. A
    step with only reminders is due when the first reminder goes.
    """
    waiting = list(timers)
    ending = [t.at for t in waiting if t.interrupting]
    return min(ending or [t.at for t in waiting], default=None)


def escalation_target(
    targets: Iterable[str], manager_id: int | None, lanes: Mapping[str, object]
) -> tuple[str | None, int | None]:
    """Return ``(lane, assignee)`` the escalated step goes to: the first target that applies.

    ``manager_id`` is the previous holder's manager (None when the step had no holder,
    or the holder has no manager); a lane applies when it is one of ``lanes``. ``(None,
    None)`` when none applies: the step stays in its own lane, unclaimed.
    """
    for target in targets:
        if target == MANAGER:
            if manager_id is not None:
                return None, manager_id
        elif target in lanes:
            return target, None
    return None, None
