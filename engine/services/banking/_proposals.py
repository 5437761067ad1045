"""The proposals of open statement lines, read in the caller's transaction (issue 14 §7)."""

from __future__ import annotations

from engine.domain.bank_matching import OpenItem, Proposal, propose, text_tokens
from engine.domain.effects import ContactEffect
from engine.models.bank import BankStatementLine
from engine.services.unit_of_work import UnitOfWork


def line_proposals(uow: UnitOfWork, rows: list[BankStatementLine]) -> dict[int, list[Proposal]]:
    """Return {line id: ranked proposals} for open lines, reading the open invoices once
    per direction (money in pays sales invoices, money out purchase invoices)."""
    if not rows:
        return {}
    by_iban = uow.bank_statements.contacts_by_iban({r.counterparty_iban for r in rows} - {""})
    by_name = uow.bank_statements.contacts_by_name({r.counterparty_name for r in rows} - {""})
    items: dict[bool, list[OpenItem]] = {}
    found: dict[int, list[Proposal]] = {}
    for row in rows:
        incoming = row.amount > 0
        if incoming not in items:
            effect = ContactEffect.DEBIT if incoming else ContactEffect.CREDIT
            items[incoming] = uow.bank_statements.open_items(effect.value)
        contacts = by_iban.get(row.counterparty_iban, set()) | by_name.get(
            row.counterparty_name, set()
        )
        tokens = text_tokens(row.reference, row.description)
        found[row.id] = propose(row.amount, tokens, contacts, items[incoming])
    return found
