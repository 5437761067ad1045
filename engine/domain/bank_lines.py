"""Bank statement lines, their states and their identity (SPEC F2, issue 14 §7).

A line is what the bank booked on the account: a signed amount (+ came in, − went
out), the booking day, the bank's reference and free text, and the other party's
name and IBAN. Its *identity* is what makes a re-imported line the same line: the
bank's own reference when the file has one, else a digest of what the line says plus
how many identical lines came before it in the file. A line is paid at most once:
the database keeps (bank account, identity) unique.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from engine.domain.digits import clean_typed

IDENTITY_MAX = 100
REFERENCE_MAX = 140
DESCRIPTION_MAX = 500
NAME_MAX = 200
IBAN_MAX = 34
MAX_LINES = 20_000  # one file; a month of a busy account is a few thousand


class LineStatus(StrEnum):
    """Where a statement line stands: waiting, paid into the books, or set aside."""

    OPEN = "open"
    MATCHED = "matched"
    IGNORED = "ignored"


# What a person may still change: an open line is matched or ignored, an ignored one
# opened again; a matched line has its payment and stays (undo it as a payment).
LINE_MOVES: dict[LineStatus, frozenset[LineStatus]] = {
    LineStatus.OPEN: frozenset({LineStatus.MATCHED, LineStatus.IGNORED}),
    LineStatus.IGNORED: frozenset({LineStatus.OPEN}),
    LineStatus.MATCHED: frozenset(),
}


@dataclass(frozen=True)
class BankLine:
    """One parsed line of a statement file, before it is stored."""

    booked_on: date
    amount: Decimal
    reference: str = ""
    description: str = ""
    counterparty_name: str = ""
    counterparty_iban: str = ""
    bank_id: str = ""  # the bank's own id of the line, when the file has one
    identity: str = ""
    source_line: int = 0  # where it is in the file, for error messages


def clean_iban(text: str) -> str:
    """Return an IBAN without spaces, upper case, ASCII digits ("" for none)."""
    return "".join(clean_typed(text).split()).upper()[:IBAN_MAX]


def clip(text: str, limit: int) -> str:
    """Return ``text`` with its whitespace runs collapsed, cut to ``limit`` characters."""
    return " ".join(text.split())[:limit]


def with_identities(lines: Iterable[BankLine]) -> list[BankLine]:
    """Give each line its identity: ``id:<bank id>`` when the bank gave one, else a
    digest of its content and its occurrence among identical lines of the file (two
    equal transfers on one day stay two lines; the same file imported again gives the
    same identities)."""
    seen: Counter[str] = Counter()
    result = []
    for line in lines:
        if line.bank_id:
            identity = f"id:{line.bank_id}"[:IDENTITY_MAX]
        else:
            content = "\x1f".join(
                (
                    line.booked_on.isoformat(),
                    format(line.amount.normalize(), "f"),
                    line.reference,
                    line.description,
                    line.counterparty_name,
                    line.counterparty_iban,
                )
            )
            seen[content] += 1
            digest = hashlib.sha256(f"{content}\x1e{seen[content]}".encode()).hexdigest()
            identity = f"sha:{digest[:64]}"
        result.append(replace(line, identity=identity))
    return result
