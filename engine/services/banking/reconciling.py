"""Settling statement lines: a match records the payment once; a line may be assigned by
hand or ignored; a settled statement runs the day's follow-up pass (SPEC F2, issue 14 §7).

A line is locked while it is settled and must still be open, and its payment id is
unique, so confirming it twice (two people, a double click, a retried request) records
one payment and answers 409 to the other. When the last open line of a statement is
settled, the follow-up pass of the day runs (engine.services.followups.passes): the
invoices the statement paid are no longer open, so they get no reminder (F2). The pass
queues nothing twice on one day, so running it again after the morning's pass is safe.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from engine import clock
from engine.domain.bank_lines import LINE_MOVES, LineStatus
from engine.domain.bank_matching import MatchKind
from engine.domain.errors import InvalidState, NotFound, ValidationFailed
from engine.domain.permissions import Perm
from engine.models.bank import BankStatementLine
from engine.services.accounts import _allocations
from engine.services.accounts.payments import Allocation, NewPayment, stage_payment
from engine.services.banking._proposals import line_proposals
from engine.services.documents._posting import open_amount
from engine.services.followups.passes import process_followups
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LineChoice:
    """What a line pays: an invoice (its contact follows), or only a contact (credit)."""

    document_id: int | None = None
    contact_id: int | None = None


def match_line(uow: UnitOfWork, *, line_id: int, choice: LineChoice, actor_id: int) -> int:
    """Record the line's payment to the chosen invoice or contact; return the payment id.

    Money in is a receipt, money out a payment to a supplier; what the invoice does not
    take stays on the contact's account as credit. Raises NotFound for an unknown line,
    InvalidState (409) for a line already matched or ignored, ValidationFailed naming
    ``document_id`` or ``contact_id`` for an invoice that cannot take it. Nothing is
    written on error. Runs the follow-up pass when the statement is settled.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        line = _open_line(uow, line_id, LineStatus.MATCHED)
        payment_id = _record(uow, line, choice, actor_id)
        statement_id = line.statement_id
        uow.commit()
    logger.info("bank line matched", extra={"line_id": line_id, "payment_id": payment_id})
    follow_up_when_settled(uow, statement_id=statement_id)
    return payment_id


def confirm_exact(uow: UnitOfWork, *, statement_id: int, actor_id: int) -> list[int]:
    """Confirm every open line of a statement that has exactly one exact proposal, in
    one transaction; return the lines matched. An invoice exactly proposed by two lines
    is left to a person. Runs the follow-up pass when the statement is settled."""
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        uow.bank_statements.get(statement_id)
        rows = [r for r in uow.bank_statements.lines(statement_id) if r.status == LineStatus.OPEN]
        exact = {
            line_id: [p for p in found if p.kind == MatchKind.EXACT]
            for line_id, found in line_proposals(uow, rows).items()
        }
        chosen = {line: found[0].document_id for line, found in exact.items() if len(found) == 1}
        taken = list(chosen.values())
        matched = []
        for line_id, document_id in chosen.items():
            if taken.count(document_id) > 1:
                continue
            line = _open_line(uow, line_id, LineStatus.MATCHED)
            _record(uow, line, LineChoice(document_id=document_id), actor_id)
            matched.append(line_id)
        uow.commit()
    follow_up_when_settled(uow, statement_id=statement_id)
    return matched


def ignore_line(uow: UnitOfWork, *, line_id: int, actor_id: int) -> None:
    """Set an open line aside (bank fees, transfers between own accounts...): it pays
    nothing. Runs the follow-up pass when the statement is settled."""
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        line = _open_line(uow, line_id, LineStatus.IGNORED)
        _settle(line, LineStatus.IGNORED, actor_id)
        _audit(uow, line, "bank_statement_line.ignore", actor_id)
        statement_id = line.statement_id
        uow.commit()
    follow_up_when_settled(uow, statement_id=statement_id)


def reopen_line(uow: UnitOfWork, *, line_id: int, actor_id: int) -> None:
    """Bring an ignored line back among the open ones (a matched line keeps its payment:
    undo that as a payment)."""
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        line = _open_line(uow, line_id, LineStatus.OPEN)
        line.status = LineStatus.OPEN.value
        line.resolved_by = line.resolved_at = None
        _audit(uow, line, "bank_statement_line.reopen", actor_id)
        uow.commit()


def follow_up_when_settled(uow: UnitOfWork, *, statement_id: int) -> bool:
    """Run the day's follow-up pass once the statement has no open line left, once per
    statement; tell whether it ran. The pass commits in its own batches."""
    with uow:
        statement = uow.bank_statements.get(statement_id)
        if statement.followed_up_at is not None or uow.bank_statements.count_open(statement_id):
            return False
    sent = process_followups(uow, on=clock.business_today())
    with uow:
        uow.bank_statements.get_for_update(statement_id).followed_up_at = clock.now()
        uow.commit()
    logger.info(
        "follow-up pass after a settled statement",
        extra={"statement_id": statement_id, "messages": len(sent)},
    )
    return True


def _open_line(uow: UnitOfWork, line_id: int, to: LineStatus) -> BankStatementLine:
    line = uow.bank_statements.line_for_update(line_id)
    if line is None:
        raise NotFound(f"bank statement line {line_id} not found")
    if to not in LINE_MOVES[LineStatus(line.status)]:
        raise InvalidState(f"bank statement line {line_id} is {line.status}")
    return line


def _record(uow: UnitOfWork, line: BankStatementLine, choice: LineChoice, actor_id: int) -> int:
    amount = abs(line.amount)
    direction = "in" if line.amount > 0 else "out"
    contact_id, allocations = _target(uow, line, choice, amount, direction)
    payment = stage_payment(
        uow,
        NewPayment(
            contact_id=contact_id,
            amount=amount,
            method="bank",
            direction=direction,
            allocations=allocations,
            received_on=line.booked_on,
            reference=(line.reference or line.description)[:80],
        ),
        actor_id=actor_id,
    )
    line.payment_id = payment.id
    line.contact_id = contact_id
    line.document_id = choice.document_id
    _settle(line, LineStatus.MATCHED, actor_id)
    _audit(uow, line, "bank_statement_line.match", actor_id, payment_id=payment.id)
    return payment.id


def _target(
    uow: UnitOfWork, line: BankStatementLine, choice: LineChoice, amount: Decimal, direction: str
) -> tuple[int, tuple[Allocation, ...]]:
    if choice.document_id is None:
        if choice.contact_id is None:
            raise ValidationFailed.single("document_id", "choose an invoice or a contact")
        if uow.contacts.find(choice.contact_id) is None:
            raise ValidationFailed.single("contact_id", f"unknown contact {choice.contact_id}")
        return choice.contact_id, ()
    document = uow.documents.find(choice.document_id)
    if document is None:
        raise ValidationFailed.single("document_id", f"unknown document {choice.document_id}")
    if choice.contact_id is not None and choice.contact_id != document.contact_id:
        raise ValidationFailed.single("contact_id", "the invoice is of another contact")
    effect = _allocations.payment_effect_of(direction)
    _allocations.check_target(document, document.contact_id, effect, "document_id")
    left = open_amount(document)
    if left <= 0:
        raise ValidationFailed.single("document_id", "nothing is open on this invoice")
    return document.contact_id, (Allocation(document.id, min(amount, left)),)


def _settle(line: BankStatementLine, status: LineStatus, actor_id: int) -> None:
    line.status = status.value
    line.resolved_by = actor_id
    line.resolved_at = clock.now()


def _audit(
    uow: UnitOfWork, line: BankStatementLine, action: str, actor_id: int, **details: object
) -> None:
    uow.audit.record(
        actor_id=actor_id,
        action=action,
        entity="bank_statement_line",
        entity_id=line.id,
        details={"statement_id": line.statement_id, "amount": str(line.amount), **details},
    )
