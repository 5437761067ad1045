"""Importing a bank statement and reading it back with its proposals (SPEC F2, issue 14 §7).

An import stores the lines new to the account and nothing else: a line imported before
(same account, same identity: engine.domain.bank_lines) is counted and left out, so it
can never be paid twice. Proposals are computed when the statement is read, against
what is open at that moment (engine.domain.bank_matching), so a line never proposes an
invoice someone has paid meanwhile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

from sqlalchemy.exc import IntegrityError

from engine.domain.bank_csv import mapping_from, read_csv
from engine.domain.bank_lines import BankLine, LineStatus, with_identities
from engine.domain.bank_matching import Proposal
from engine.domain.camt import read_camt053
from engine.domain.errors import Conflict, NotFound, ValidationFailed
from engine.domain.permissions import Perm
from engine.models.bank import BankAccount, BankStatement, BankStatementLine
from engine.services.banking._proposals import line_proposals
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require

logger = logging.getLogger(__name__)

FILE_FORMATS = ("csv", "camt053")
_SUFFIXES = {".csv": "csv", ".txt": "csv", ".xml": "camt053", ".053": "camt053"}


@dataclass(frozen=True)
class ProposalView:
    document_id: int
    number: str
    contact_id: int
    contact_name: str
    kind: str
    score: int
    signs: list[str]
    open_amount: Decimal


@dataclass(frozen=True)
class LineView:
    id: int
    position: int
    booked_on: date
    amount: Decimal
    reference: str
    description: str
    counterparty_name: str
    counterparty_iban: str
    status: str
    payment_id: int | None
    contact_id: int | None
    contact_name: str | None
    document_id: int | None
    document_number: str | None
    proposals: list[ProposalView]


@dataclass(frozen=True)
class StatementSummary:
    id: int
    bank_account_id: int
    file_format: str
    filename: str
    statement_ref: str
    imported_at: datetime
    lines_in_file: int
    already_imported: int
    lines: int
    open_lines: int
    followed_up_at: datetime | None


@dataclass(frozen=True)
class StatementView(StatementSummary):
    bank_account_name: str
    currency: str
    items: list[LineView]


def import_statement(
    uow: UnitOfWork,
    *,
    bank_account_id: int,
    content: bytes,
    filename: str = "",
    file_format: str | None = None,
    actor_id: int,
) -> int:
    """Read a CSV (with the account's mapping) or CAMT.053 file and store its new lines.

    Returns the statement's id. Raises ValidationFailed naming ``bank_account_id``,
    ``format``, ``file`` or the bad cell (``lines[<n>].<field>``,
    ``entries[<i>].<field>``) with nothing written; Conflict when the same lines are
    being imported at the same moment by someone else.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        account = uow.bank_accounts.find(bank_account_id)
        if account is None:
            reason = f"unknown bank account {bank_account_id}"
            raise ValidationFailed.single("bank_account_id", reason)
        fmt = _format(file_format, filename, content)
        lines, statement_ref = _read(account, fmt, content)
        known = uow.bank_statements.known_identities(account.id, {x.identity for x in lines})
        new = _first_of_each([x for x in lines if x.identity not in known])
        statement = uow.bank_statements.add(
            BankStatement(
                bank_account_id=account.id,
                file_format=fmt,
                filename=PurePath(filename).name[:200],
                statement_ref=statement_ref[:120],
                lines_in_file=len(lines),
                already_imported=len(lines) - len(new),
                imported_by=actor_id,
            )
        )
        try:
            uow.bank_statements.add_lines(
                [_row(statement, account, line, i) for i, line in enumerate(new, start=1)]
            )
        except IntegrityError as exc:  # a parallel import of the same lines won the race
            raise Conflict("these lines are being imported right now; import again") from exc
        uow.audit.record(
            actor_id=actor_id,
            action="bank_statement.import",
            entity="bank_statement",
            entity_id=statement.id,
            details={"lines": len(new), "already_imported": len(lines) - len(new)},
        )
        uow.commit()
        logger.info("bank statement imported", extra={"statement_id": statement.id})
        return statement.id


def list_statements(
    uow: UnitOfWork,
    *,
    actor_id: int,
    bank_account_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[StatementSummary]:
    """Return imported statements newest first, with their line counts."""
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        rows = uow.bank_statements.list(
            bank_account_id=bank_account_id, limit=min(limit, 500), offset=offset
        )
        return [_summary(s, n, o) for s, n, o in rows]


def get_statement(uow: UnitOfWork, *, statement_id: int, actor_id: int) -> StatementView:
    """Return a statement with its lines, each open one with its ranked proposals."""
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        statement = uow.bank_statements.get(statement_id)
        account = uow.bank_accounts.get(statement.bank_account_id)
        rows = uow.bank_statements.lines(statement.id)
        items = _line_views(uow, rows)
        open_lines = sum(1 for r in rows if r.status == LineStatus.OPEN)
        return StatementView(
            **vars(_summary(statement, len(rows), open_lines)),
            bank_account_name=account.name,
            currency=account.currency,
            items=items,
        )


def get_line(uow: UnitOfWork, *, line_id: int, actor_id: int) -> LineView:
    """Return one statement line (with its proposals when open); NotFound if unknown."""
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        row = uow.bank_statements.line(line_id)
        if row is None:
            raise NotFound(f"bank statement line {line_id} not found")
        return _line_views(uow, [row])[0]


def _line_views(uow: UnitOfWork, rows: list[BankStatementLine]) -> list[LineView]:
    proposals = line_proposals(uow, [r for r in rows if r.status == LineStatus.OPEN])
    contact_ids = {r.contact_id for r in rows if r.contact_id} | {
        p.contact_id for found in proposals.values() for p in found
    }
    names, numbers = uow.bank_statements.labels(
        contact_ids, {r.document_id for r in rows if r.document_id}
    )
    return [_line_view(r, proposals.get(r.id, []), names, numbers) for r in rows]


def _format(given: str | None, filename: str, content: bytes) -> str:
    if given:
        if given not in FILE_FORMATS:
            raise ValidationFailed.single("format", f"must be one of: {', '.join(FILE_FORMATS)}")
        return given
    by_name = _SUFFIXES.get(PurePath(filename).suffix.lower())
    if by_name:
        return by_name
    return "camt053" if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else "csv"


def _read(account: BankAccount, fmt: str, content: bytes) -> tuple[list[BankLine], str]:
    if not content.strip():
        raise ValidationFailed.single("file", "the file is empty")
    if fmt == "csv":
        if account.csv_mapping is None:
            raise ValidationFailed.single(
                "bank_account_id", "set the account's CSV mapping before importing a CSV"
            )
        lines = read_csv(content, mapping_from(account.csv_mapping), currency=account.currency)
        return with_identities(lines), ""
    camt = read_camt053(content, currency=account.currency)
    if account.iban and camt.iban and camt.iban != account.iban:
        raise ValidationFailed.single(
            "file", f"the statement is of account {camt.iban}, not {account.iban}"
        )
    return with_identities(camt.lines), ", ".join(filter(None, camt.statement_ids))


def _first_of_each(lines: list[BankLine]) -> list[BankLine]:
    """Keep the first line of each identity (a bank id repeated within one file)."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        if line.identity not in seen:
            seen.add(line.identity)
            kept.append(line)
    return kept


def _row(
    statement: BankStatement, account: BankAccount, line: BankLine, position: int
) -> BankStatementLine:
    return BankStatementLine(
        statement_id=statement.id,
        bank_account_id=account.id,
        identity=line.identity,
        position=position,
        booked_on=line.booked_on,
        amount=line.amount,
        reference=line.reference,
        description=line.description,
        counterparty_name=line.counterparty_name,
        counterparty_iban=line.counterparty_iban,
        status=LineStatus.OPEN.value,
    )


def _summary(statement: BankStatement, lines: int, open_lines: int) -> StatementSummary:
    return StatementSummary(
        id=statement.id,
        bank_account_id=statement.bank_account_id,
        file_format=statement.file_format,
        filename=statement.filename,
        statement_ref=statement.statement_ref,
        imported_at=statement.imported_at,
        lines_in_file=statement.lines_in_file,
        already_imported=statement.already_imported,
        lines=lines,
        open_lines=open_lines,
        followed_up_at=statement.followed_up_at,
    )


def _line_view(
    row: BankStatementLine,
    proposals: list[Proposal],
    names: dict[int, str],
    numbers: dict[int, str],
) -> LineView:
    return LineView(
        id=row.id,
        position=row.position,
        booked_on=row.booked_on,
        amount=row.amount,
        reference=row.reference,
        description=row.description,
        counterparty_name=row.counterparty_name,
        counterparty_iban=row.counterparty_iban,
        status=row.status,
        payment_id=row.payment_id,
        contact_id=row.contact_id,
        contact_name=names.get(row.contact_id) if row.contact_id else None,
        document_id=row.document_id,
        document_number=numbers.get(row.document_id) if row.document_id else None,
        proposals=[
            ProposalView(
                p.document_id,
                p.number,
                p.contact_id,
                names.get(p.contact_id, ""),
                p.kind.value,
                p.score,
                [sign.value for sign in p.signs],
                p.open_amount,
            )
            for p in proposals
        ],
    )
