"""Outbox messages: the one home of their channels, statuses and moves (issue 11 §1; C4, E5).

The database stores the enums' values (the same strings as before), so the API and the
rows are unchanged. Code tests membership of a named group (``status in WENT_OUT``)
rather than spelling statuses, and the service changes a loaded message's status only
through ``transition``, which refuses a move the table below does not allow. A
provider's report is applied only when ``report_applies``: reports arrive out of order,
and a late "queued" must never undo "delivered".

The providers' own words (SendGrid events, Twilio's MessageStatus) are mapped to ours
here, once; they are the providers' vocabulary, not ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Protocol

from engine.domain.errors import InvalidState


class Channel(StrEnum):
    """How a message reaches its recipient (the outbox row's ``channel``)."""

    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"  # a PDF queued for printing and posting (ARCHITECTURE §7)


class MessageStatus(StrEnum):
    """Where an outbox message is on its way out (the row's ``status``)."""

    QUEUED = "queued"  # waiting: first try, or a retry at next_attempt_at
    SENDING = "sending"  # claimed by a worker until lease_until
    SENT = "sent"  # the provider accepted it
    DELIVERED = "delivered"  # the provider says it arrived
    FAILED = "failed"  # permanent: 4xx, attempts spent, or the provider reported failure

    def can_move_to(self, target: MessageStatus) -> bool:
        """Tell whether the table allows going from this status to ``target``."""
        return target in TRANSITIONS[self]


class SendOutcome(StrEnum):
    """What a worker's try at one message came to (not a status: ``retry`` re-queues)."""

    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    LOST = "lost"  # another claim took the message over; nothing recorded
    RECOVERED = "recovered"  # a dead worker's send found at the provider, recorded as sent
    SKIPPED = "skipped"  # not handled this pass (cannot render yet, crashed with tries left)


M = MessageStatus

# Every channel and status, in the order lists and filters show them.
CHANNELS: tuple[Channel, ...] = tuple(Channel)
STATUSES: tuple[MessageStatus, ...] = tuple(MessageStatus)
# Not out yet: a worker may still claim it (queued and due, or a lease run out).
WAITING = frozenset({M.QUEUED, M.SENDING})
# Counts as sent: the provider took it (sent_at is set); a failure may still be reported.
WENT_OUT = frozenset({M.SENT, M.DELIVERED})
# Nothing more will happen to it unless a provider reports a bounce after delivery.
FINAL = frozenset({M.DELIVERED, M.FAILED})
# Channels whose text is the long body (and may carry documents); SMS has its own short text.
BODY_CHANNELS = frozenset({Channel.EMAIL, Channel.LETTER})

# from -> the statuses it may move to. Staying is no move (a lease re-claimed, see ``transition``).
TRANSITIONS: dict[MessageStatus, frozenset[MessageStatus]] = {
    # claimed by a worker; or a provider's report overtook the worker's own record
    M.QUEUED: frozenset({M.SENDING, M.SENT, M.DELIVERED, M.FAILED}),
    # the worker's outcome: sent, a retry later (back to queued), or failed
    M.SENDING: frozenset({M.QUEUED, M.SENT, M.DELIVERED, M.FAILED}),
    M.SENT: frozenset({M.DELIVERED, M.FAILED}),
    # a bounce reported after a delivery report (SendGrid sends both)
    M.DELIVERED: frozenset({M.FAILED}),
    M.FAILED: frozenset(),
}

# How far along each status is: a provider's report only ever moves a message forward.
_PROGRESS = {M.QUEUED: 0, M.SENDING: 1, M.SENT: 2, M.DELIVERED: 3, M.FAILED: 3}


class HasStatus(Protocol):
    status: str


def transition(message: HasStatus, target: MessageStatus) -> None:
    """Set ``message.status`` to ``target``; raise InvalidState for a move not in the table.

    Staying in the same status is allowed and changes nothing.
    """
    current = MessageStatus(message.status)
    if current != target and not current.can_move_to(target):
        raise InvalidState(
            f"a {current.value} message cannot become {target.value}",
            details={"status": current.value, "target": target.value},
        )
    message.status = target.value


def report_applies(current: MessageStatus, reported: MessageStatus) -> bool:
    """Tell whether a provider's report moves a message forward (late reports change nothing).

    A failure is applied even to a sent or delivered message: the provider had the last word.
    """
    if reported == M.FAILED:
        return current != M.FAILED
    return _PROGRESS[reported] > _PROGRESS[current]


# SendGrid event -> our status; events not listed (deferred, spamreport, ...) change nothing.
SENDGRID_EVENTS: Mapping[str, MessageStatus] = {
    "processed": M.SENT,
    "delivered": M.DELIVERED,
    "open": M.DELIVERED,
    "click": M.DELIVERED,
    "bounce": M.FAILED,
    "dropped": M.FAILED,
    "blocked": M.FAILED,
}
# Twilio's MessageStatus -> our status.
TWILIO_STATUSES: Mapping[str, MessageStatus] = {
    "accepted": M.QUEUED,
    "scheduled": M.QUEUED,
    "queued": M.QUEUED,
    "sending": M.SENT,
    "sent": M.SENT,
    "delivered": M.DELIVERED,
    "read": M.DELIVERED,
    "undelivered": M.FAILED,
    "failed": M.FAILED,
    "canceled": M.FAILED,
}
