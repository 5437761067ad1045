"""Document states: groups and the transition table (issue 11 §1; SPEC I2-I5, I10, Q3, T3.17)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from engine.domain.errors import InvalidState
from engine.domain.states import (
    APPROVED,
    CANCELLABLE_WITH_PERMISSION,
    EDITABLE_BEFORE_POSTING,
    IN_APPROVAL,
    OPEN,
    POSTED,
    TRANSITIONS,
    DocumentState,
    payment_state,
    transition,
)

S = DocumentState


@dataclass
class Doc:
    state: str


ALLOWED = [
    (S.DRAFT, S.AWAITING_APPROVAL),  # submitted, approval needed
    (S.DRAFT, S.AWAITING_NUMBERING),  # no approval, numbering needed
    (S.DRAFT, S.POSTED),  # neither
    (S.AWAITING_APPROVAL, S.AWAITING_NUMBERING),  # approved
    (S.AWAITING_APPROVAL, S.DRAFT),  # rejected
    (S.AWAITING_APPROVAL, S.POSTED),  # approved, no numbering step
    (S.AWAITING_NUMBERING, S.POSTED),  # numbered
    (S.AWAITING_NUMBERING, S.DRAFT),  # numbering rejected
    (S.AWAITING_NUMBERING, S.AWAITING_APPROVAL),  # content changed (issue 10 #2)
    (S.POSTED, S.PARTIALLY_PAID),
    (S.POSTED, S.PAID),
    (S.PARTIALLY_PAID, S.PAID),
    (S.PAID, S.PARTIALLY_PAID),  # a cheque bounced
    (S.PARTIALLY_PAID, S.POSTED),
    (S.POSTED, S.DRAFT),  # edited after approval (T3.17)
    (S.POSTED, S.CONFIRMED),  # an approved quote confirmed (Q3)
    (S.CONFIRMED, S.DELIVERED),
    (S.DELIVERED, S.INVOICED),
    (S.DRAFT, S.CANCELLED),
    (S.AWAITING_APPROVAL, S.CANCELLED),
    (S.POSTED, S.CANCELLED),
    (S.INVOICED, S.CANCELLED),
]

REFUSED = [
    (S.CANCELLED, S.DRAFT),  # cancelled is final (I10)
    (S.CANCELLED, S.POSTED),
    (S.DRAFT, S.CONFIRMED),  # a quote is approved (posted) first
    (S.DRAFT, S.DELIVERED),
    (S.DRAFT, S.INVOICED),
    (S.AWAITING_APPROVAL, S.CONFIRMED),
    (S.PAID, S.DRAFT),  # a paid document is not edited back to draft
    (S.PARTIALLY_PAID, S.DRAFT),
    (S.POSTED, S.AWAITING_APPROVAL),  # back through approval only via draft
    (S.CONFIRMED, S.POSTED),
    (S.CONFIRMED, S.INVOICED),  # delivered first
    (S.DELIVERED, S.CONFIRMED),
    (S.INVOICED, S.DELIVERED),
]


@pytest.mark.parametrize(("start", "target"), ALLOWED)
def test_the_table_allows_the_moves_the_processes_make(
    start: DocumentState, target: DocumentState
) -> None:
    """Issue 11 §1: every move the operators, posting, payments and cancel make."""
    doc = Doc(start.value)
    assert start.can_move_to(target)
    transition(doc, target)
    assert doc.state == target.value and type(doc.state) is str


@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_a_move_not_in_the_table_raises_invalid_state(
    start: DocumentState, target: DocumentState
) -> None:
    """Issue 11 §1: the guard refuses and leaves the state as it was."""
    doc = Doc(start.value)
    assert not start.can_move_to(target)
    with pytest.raises(InvalidState) as raised:
        transition(doc, target)
    assert doc.state == start.value
    assert raised.value.details == {"state": start.value, "target": target.value}


@pytest.mark.parametrize("state", list(DocumentState))
def test_staying_in_a_state_is_no_move(state: DocumentState) -> None:
    """Issue 11 §1: a payment that leaves a document partially paid changes nothing."""
    doc = Doc(state.value)
    transition(doc, state)
    assert doc.state == state.value


def test_an_unknown_state_is_refused() -> None:
    with pytest.raises(ValueError):
        transition(Doc("archived"), S.DRAFT)


def test_every_state_has_a_row_and_cancelled_is_final() -> None:
    assert set(TRANSITIONS) == set(DocumentState)
    assert TRANSITIONS[S.CANCELLED] == frozenset()
    assert all(S.CANCELLED in targets for s, targets in TRANSITIONS.items() if s != S.CANCELLED)


def test_the_groups() -> None:
    """Issue 11 §1: the named groups the services, reports and printouts test."""
    assert POSTED == {S.POSTED, S.PARTIALLY_PAID, S.PAID}
    assert OPEN == {S.POSTED, S.PARTIALLY_PAID} and OPEN < POSTED
    assert IN_APPROVAL == {S.AWAITING_APPROVAL, S.AWAITING_NUMBERING}
    assert EDITABLE_BEFORE_POSTING == IN_APPROVAL | {S.DRAFT}
    assert APPROVED == POSTED | {S.CONFIRMED, S.DELIVERED, S.INVOICED}
    assert CANCELLABLE_WITH_PERMISSION == APPROVED
    assert not (APPROVED & EDITABLE_BEFORE_POSTING) and S.CANCELLED not in APPROVED
    # the database keeps the strings: a row's str state is found in a group
    assert "partially_paid" in OPEN and "draft" in EDITABLE_BEFORE_POSTING


@pytest.mark.parametrize(
    ("paid", "total", "state"),
    [
        ("0", "100", S.POSTED),
        ("40", "100", S.PARTIALLY_PAID),
        ("100", "100", S.PAID),
        ("120", "100", S.PAID),
        ("0", "0", S.POSTED),
    ],
)
def test_payment_state(paid: str, total: str, state: DocumentState) -> None:
    """SPEC I5: posted / partially paid / paid follow what was paid."""
    assert payment_state(paid=Decimal(paid), total=Decimal(total)) == state
