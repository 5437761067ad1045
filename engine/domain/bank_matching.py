"""Which open invoice a bank line pays: proposals, exact ones first (SPEC F2, issue 14 §7).

Three signs point at an invoice: its number written in the line's reference or text
(banks often drop the dashes, so ``INV140500012`` names ``INV-1405-00012`` too), the
line's amount equal to what is open on it, and the other party being its contact (an
IBAN an earlier line of that contact came from, or the contact's name). A proposal is
*exact* when the number and the amount both agree and the other party is not known to
be someone else; the rest are *partial* candidates, ranked by how many signs agree
(the number weighs most), then by the oldest due date. A line's amount below what is
open counts as a part payment of an invoice named or of its contact, never alone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from engine.domain.digits import clean_typed

MAX_PROPOSALS = 5
_TOKEN_EDGES = re.compile(r"^[^\w]+|[^\w]+$")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


class MatchKind(StrEnum):
    EXACT = "exact"
    PARTIAL = "partial"


class Sign(StrEnum):
    """What agrees between a line and an invoice."""

    REFERENCE = "reference"
    AMOUNT = "amount"
    PART_AMOUNT = "part_amount"
    CONTACT = "contact"


_WEIGHTS = {Sign.REFERENCE: 4, Sign.AMOUNT: 3, Sign.CONTACT: 2, Sign.PART_AMOUNT: 1}


@dataclass(frozen=True)
class OpenItem:
    """An open invoice a line could pay: what matching needs of it."""

    document_id: int
    number: str
    contact_id: int
    open_amount: Decimal
    due_date: date


@dataclass(frozen=True)
class Proposal:
    document_id: int
    number: str
    contact_id: int
    kind: MatchKind
    score: int
    signs: tuple[Sign, ...]
    open_amount: Decimal


def text_tokens(*texts: str) -> frozenset[str]:
    """Return the words of a line's texts, upper case, ASCII digits, edges trimmed, each
    also without its punctuation (``INV-1405-00012`` and ``INV140500012``)."""
    tokens: set[str] = set()
    for text in texts:
        for word in clean_typed(text).upper().split():
            word = _TOKEN_EDGES.sub("", word)
            if word:
                tokens.add(word)
                tokens.add(_NOT_ALNUM.sub("", word))
    tokens.discard("")
    return frozenset(tokens)


def number_named(number: str, tokens: Collection[str]) -> bool:
    """Tell whether a document number is one of the line's words (with or without its
    punctuation)."""
    if not number:
        return False
    upper = clean_typed(number).upper()
    return upper in tokens or _NOT_ALNUM.sub("", upper) in tokens


def propose(
    amount: Decimal,
    tokens: Collection[str],
    line_contacts: Collection[int],
    items: Sequence[OpenItem],
) -> list[Proposal]:
    """Rank the open items a line of ``amount`` (its absolute value) could pay.

    ``line_contacts``: the contacts the line's other party is known to be (empty when
    unknown). Exact proposals come first, then partial ones; at most MAX_PROPOSALS.
    """
    paid = abs(amount)
    found: list[tuple[tuple[int, int, date, int], Proposal]] = []
    for item in items:
        signs = _signs(paid, tokens, line_contacts, item)
        if not signs or signs == (Sign.PART_AMOUNT,):
            continue
        exact = (
            Sign.REFERENCE in signs
            and Sign.AMOUNT in signs
            and (not line_contacts or item.contact_id in line_contacts)
        )
        score = sum(_WEIGHTS[s] for s in signs)
        kind = MatchKind.EXACT if exact else MatchKind.PARTIAL
        proposal = Proposal(
            item.document_id, item.number, item.contact_id, kind, score, signs, item.open_amount
        )
        found.append(((0 if exact else 1, -score, item.due_date, item.document_id), proposal))
    found.sort(key=lambda pair: pair[0])
    return [proposal for _key, proposal in found[:MAX_PROPOSALS]]


def _signs(
    paid: Decimal, tokens: Collection[str], line_contacts: Collection[int], item: OpenItem
) -> tuple[Sign, ...]:
    signs: list[Sign] = []
    if number_named(item.number, tokens):
        signs.append(Sign.REFERENCE)
    if paid == item.open_amount:
        signs.append(Sign.AMOUNT)
    elif paid < item.open_amount:
        signs.append(Sign.PART_AMOUNT)
    if item.contact_id in line_contacts:
        signs.append(Sign.CONTACT)
    if Sign.PART_AMOUNT in signs and len(signs) == 1:
        return ()
    return tuple(signs)
