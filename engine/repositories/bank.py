"""Bank accounts, statements and their lines, and what matching reads (issue 14 §7)."""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence

from sqlalchemy import func, select

from engine.domain.bank_lines import LineStatus
from engine.domain.bank_matching import OpenItem
from engine.domain.states import OPEN
from engine.models.bank import BankAccount, BankStatement, BankStatementLine
from engine.models.contacts import Contact
from engine.models.documents import Document, DocumentType
from engine.repositories.base import Repository
from engine.repositories.documents import due_expr, open_expr, states_in


class BankAccountRepository(Repository[BankAccount]):
    model = BankAccount
    label = "bank account"

    def list(self) -> builtins.list[BankAccount]:
        """Return every bank account by name."""
        return list(self.session.scalars(select(BankAccount).order_by(BankAccount.name)))


class BankStatementRepository(Repository[BankStatement]):
    model = BankStatement
    label = "bank statement"

    def list(
        self, *, bank_account_id: int | None, limit: int, offset: int
    ) -> builtins.list[tuple[BankStatement, int, int]]:
        """Return statements newest first, each with its number of lines and of open ones."""
        lines = (
            select(
                BankStatementLine.statement_id,
                func.count().label("lines"),
                func.count()
                .filter(BankStatementLine.status == LineStatus.OPEN.value)
                .label("open"),
            )
            .group_by(BankStatementLine.statement_id)
            .subquery()
        )
        stmt = (
            select(BankStatement, lines.c.lines, lines.c.open)
            .outerjoin(lines, lines.c.statement_id == BankStatement.id)
            .order_by(BankStatement.imported_at.desc(), BankStatement.id.desc())
            .limit(limit)
            .offset(offset)
        )
        if bank_account_id is not None:
            stmt = stmt.where(BankStatement.bank_account_id == bank_account_id)
        return [(s, n or 0, o or 0) for s, n, o in self.session.execute(stmt)]

    def known_identities(self, bank_account_id: int, identities: Collection[str]) -> set[str]:
        """Return which of ``identities`` the account's earlier imports already hold."""
        found: set[str] = set()
        wanted = sorted(identities)
        for start in range(0, len(wanted), 500):  # keep the IN list short
            stmt = select(BankStatementLine.identity).where(
                BankStatementLine.bank_account_id == bank_account_id,
                BankStatementLine.identity.in_(wanted[start : start + 500]),
            )
            found.update(self.session.scalars(stmt))
        return found

    def add_lines(self, lines: Sequence[BankStatementLine]) -> None:
        """Stage new lines; the unique (account, identity) key refuses a line twice."""
        self.session.add_all(lines)
        self.session.flush()

    def lines(self, statement_id: int) -> builtins.list[BankStatementLine]:
        """Return a statement's lines in file order."""
        stmt = (
            select(BankStatementLine)
            .where(BankStatementLine.statement_id == statement_id)
            .order_by(BankStatementLine.position, BankStatementLine.id)
        )
        return list(self.session.scalars(stmt))

    def line(self, line_id: int) -> BankStatementLine | None:
        """Return one line, or None."""
        return self.session.get(BankStatementLine, line_id)

    def line_for_update(self, line_id: int) -> BankStatementLine | None:
        """Return one line locked until commit (two people confirming it wait in turn)."""
        stmt = (
            select(BankStatementLine)
            .where(BankStatementLine.id == line_id)
            .with_for_update(of=BankStatementLine)
            .execution_options(populate_existing=True)
        )
        return self.session.scalars(stmt).first()

    def count_open(self, statement_id: int) -> int:
        """Return how many of a statement's lines wait for a person."""
        stmt = select(func.count()).where(
            BankStatementLine.statement_id == statement_id,
            BankStatementLine.status == LineStatus.OPEN.value,
        )
        return int(self.session.execute(stmt).scalar_one())

    def contacts_by_iban(self, ibans: Collection[str]) -> dict[str, set[int]]:
        """Return {IBAN: contacts} that earlier matched lines from that IBAN were paid by."""
        if not ibans:
            return {}
        stmt = (
            select(BankStatementLine.counterparty_iban, BankStatementLine.contact_id)
            .where(
                BankStatementLine.counterparty_iban.in_(sorted(ibans)),
                BankStatementLine.status == LineStatus.MATCHED.value,
                BankStatementLine.contact_id.is_not(None),
            )
            .distinct()
        )
        found: dict[str, set[int]] = {}
        for iban, contact_id in self.session.execute(stmt):
            if contact_id is not None:
                found.setdefault(iban, set()).add(contact_id)
        return found

    def contacts_by_name(self, names: Collection[str]) -> dict[str, set[int]]:
        """Return {name: contacts} of contacts named exactly so (case kept)."""
        if not names:
            return {}
        stmt = select(Contact.name, Contact.id).where(Contact.name.in_(sorted(names)))
        found: dict[str, set[int]] = {}
        for name, contact_id in self.session.execute(stmt):
            found.setdefault(name, set()).add(contact_id)
        return found

    def open_items(self, contact_effect: str) -> builtins.list[OpenItem]:
        """Return every open posted invoice whose effect on its contact is
        ``contact_effect`` (debit: sales invoices; credit: purchase invoices), in one
        query, oldest due first."""
        stmt = (
            select(
                Document.id,
                Document.number,
                Document.contact_id,
                open_expr(),
                due_expr(),
            )
            .join(DocumentType, DocumentType.id == Document.type_id)
            .where(
                states_in(OPEN),
                Document.total > Document.paid,
                DocumentType.contact_effect == contact_effect,
                DocumentType.source_kind.is_(None),
            )
            .order_by(due_expr(), Document.id)
        )
        return [
            OpenItem(doc_id, number or "", contact_id, amount, due)
            for doc_id, number, contact_id, amount, due in self.session.execute(stmt)
        ]

    def labels(
        self, contact_ids: Collection[int], document_ids: Collection[int]
    ) -> tuple[dict[int, str], dict[int, str]]:
        """Return ({contact id: name}, {document id: number}) for showing lines."""
        contacts: dict[int, str] = {}
        documents: dict[int, str] = {}
        if contact_ids:
            stmt = select(Contact.id, Contact.name).where(Contact.id.in_(sorted(contact_ids)))
            contacts = {cid: name for cid, name in self.session.execute(stmt)}
        if document_ids:
            ids = sorted(document_ids)
            found = select(Document.id, Document.number).where(Document.id.in_(ids))
            documents = {did: number or "" for did, number in self.session.execute(found)}
        return contacts, documents
