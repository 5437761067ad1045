"""Message channels and statuses: groups, transitions, provider reports (issue 11 §1; C4, E5)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.domain.errors import InvalidState
from engine.domain.messages import (
    FINAL,
    SENDGRID_EVENTS,
    TRANSITIONS,
    TWILIO_STATUSES,
    WAITING,
    WENT_OUT,
    Channel,
    MessageStatus,
    report_applies,
    transition,
)

M = MessageStatus


@dataclass
class Message:
    status: str


ALLOWED = [
    (M.QUEUED, M.SENDING),  # a worker claims it
    (M.SENDING, M.SENT),  # the provider accepted it
    (M.SENDING, M.QUEUED),  # a transient error: tried again later
    (M.SENDING, M.FAILED),  # a permanent error, or attempts spent
    (M.SENT, M.DELIVERED),  # the provider's delivery report
    (M.SENT, M.FAILED),  # the provider's bounce
    (M.DELIVERED, M.FAILED),  # a bounce reported after the delivery
    (M.QUEUED, M.SENT),  # the provider's report overtook the worker's record
    (M.SENDING, M.DELIVERED),
]

REFUSED = [
    (M.FAILED, M.QUEUED),  # failed is final: a person sends again, nothing retries it
    (M.FAILED, M.SENT),
    (M.FAILED, M.DELIVERED),
    (M.DELIVERED, M.SENT),  # no step back
    (M.DELIVERED, M.QUEUED),
    (M.SENT, M.QUEUED),  # a sent message is never queued again (no second send)
    (M.SENT, M.SENDING),
]


@pytest.mark.parametrize(("start", "target"), ALLOWED)
def test_the_table_allows_the_moves_the_outbox_makes(
    start: MessageStatus, target: MessageStatus
) -> None:
    """Issue 11 §1: every move the worker and the provider reports make."""
    message = Message(start.value)
    transition(message, target)
    assert message.status == target.value
    assert type(message.status) is str  # the column gets the plain value


@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_the_table_refuses_other_moves(start: MessageStatus, target: MessageStatus) -> None:
    """Issue 11 §1: a move not in the table raises InvalidState and changes nothing."""
    message = Message(start.value)
    with pytest.raises(InvalidState) as raised:
        transition(message, target)
    assert message.status == start.value
    assert raised.value.details == {"status": start.value, "target": target.value}


def test_staying_is_no_move() -> None:
    """A lease re-claimed leaves the message sending: allowed, nothing changes."""
    message = Message("sending")
    transition(message, M.SENDING)
    assert message.status == "sending"


def test_every_status_has_a_row_and_failed_is_final() -> None:
    """The table covers every status; nothing leaves failed."""
    assert set(TRANSITIONS) == set(MessageStatus)
    assert TRANSITIONS[M.FAILED] == frozenset()


def test_groups() -> None:
    """The named groups split the statuses as the outbox and the pages use them."""
    assert WAITING == {M.QUEUED, M.SENDING}
    assert WENT_OUT == {M.SENT, M.DELIVERED}
    assert FINAL == {M.DELIVERED, M.FAILED}
    assert not WAITING & WENT_OUT
    assert WAITING | WENT_OUT | {M.FAILED} == set(MessageStatus)


def test_values_are_the_stored_strings() -> None:
    """The rows and the API keep their values: no migration, no contract change."""
    assert [c.value for c in Channel] == ["email", "sms", "letter"]
    assert [s.value for s in MessageStatus] == ["queued", "sending", "sent", "delivered", "failed"]


FORWARD = [
    (M.QUEUED, M.SENT),
    (M.QUEUED, M.SENDING),
    (M.SENDING, M.SENT),
    (M.SENT, M.DELIVERED),
    (M.QUEUED, M.FAILED),
    (M.SENT, M.FAILED),
    (M.DELIVERED, M.FAILED),  # a bounce after delivery is the provider's last word
]
LATE = [
    (M.DELIVERED, M.QUEUED),  # a late "queued" never undoes "delivered"
    (M.DELIVERED, M.SENT),
    (M.SENT, M.QUEUED),
    (M.SENDING, M.QUEUED),  # Twilio's "accepted" while the worker is still recording
    (M.SENT, M.SENT),
    (M.FAILED, M.DELIVERED),
    (M.FAILED, M.FAILED),
]


@pytest.mark.parametrize(("current", "reported"), FORWARD)
def test_a_report_that_moves_forward_applies(
    current: MessageStatus, reported: MessageStatus
) -> None:
    """C4: a provider's report applies when it moves the message on, and the move is allowed."""
    assert report_applies(current, reported)
    assert current.can_move_to(reported)


@pytest.mark.parametrize(("current", "reported"), LATE)
def test_a_late_report_changes_nothing(current: MessageStatus, reported: MessageStatus) -> None:
    """C4: reports arrive out of order; one behind the message is ignored."""
    assert not report_applies(current, reported)


def test_every_applied_report_is_an_allowed_move() -> None:
    """Whatever a provider reports, applying it never breaks the transition table."""
    for current in MessageStatus:
        for reported in MessageStatus:
            if report_applies(current, reported):
                assert current.can_move_to(reported), (current, reported)


def test_provider_words_map_to_our_statuses() -> None:
    """The providers' vocabularies map onto ours once (SendGrid events, Twilio statuses)."""
    assert SENDGRID_EVENTS["processed"] == M.SENT
    assert SENDGRID_EVENTS["bounce"] == M.FAILED
    assert "deferred" not in SENDGRID_EVENTS  # a delay changes nothing
    assert TWILIO_STATUSES["sending"] == M.SENT  # Twilio's "sending" means it took the SMS
    assert TWILIO_STATUSES["undelivered"] == M.FAILED
    assert TWILIO_STATUSES["accepted"] == M.QUEUED
    assert all(
        isinstance(s, MessageStatus) for s in (*SENDGRID_EVENTS.values(), *TWILIO_STATUSES.values())
    )
