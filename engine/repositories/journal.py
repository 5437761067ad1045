"""Append-only rows written once per transaction, one statement per table (issue 11 §4).

A document's history lines and the audit log are only ever added, and no command reads
the ones it adds. Staged as ORM rows they went out one INSERT at a time, each with the
flush some later query triggered; staged here they are written together just before the
commit, one executemany (a single multi-row INSERT) per table.

The rows live in the session's ``info`` until then:

- the commit writes them (``before_commit``), inside the transaction they belong to;
- the end of the outermost transaction forgets what was not written (a rollback);
- :func:`mark` and :func:`drop_after` let a savepoint that rolls back drop its own rows;
- a reader of a journal table calls :func:`write` first, so it sees the rows of its own
  transaction (and a document deleted in it takes its history with it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, event, insert
from sqlalchemy.orm import Session, SessionTransaction

from engine.models.base import Base
from engine.models.column_bounds import check_row

_PENDING = "journal_rows"


def stage(session: Session, row: Base) -> None:
    """Queue ``row`` (a new, unsaved model instance) for the commit.

    Its values are checked against its columns now, as a flush would (a 422 naming the
    field, not a database error at commit).
    """
    check_row(row)
    table: Table = row.__table__  # type: ignore[assignment]
    values = {}
    for column in table.columns:
        value = getattr(row, column.key, None)
        defaulted = column.primary_key or column.default is not None
        if value is not None or not defaulted:  # else the column's default fills it
            values[column.key] = value
    session.info.setdefault(_PENDING, {}).setdefault(table, []).append(values)


def write(session: Session) -> None:
    """Insert every queued row now, one statement per table."""
    pending: dict[Table, list[dict[str, Any]]] | None = session.info.pop(_PENDING, None)
    for table, rows in (pending or {}).items():
        # Rows of one table may set different columns (a default left out): each
        # shape is one multi-row INSERT.
        for group in _by_columns(rows).values():
            session.execute(insert(table), group)


def mark(session: Session) -> dict[Table, int]:
    """Return how many rows each table has queued (for :func:`drop_after`)."""
    pending: dict[Table, list[dict[str, Any]]] = session.info.get(_PENDING, {})
    return {table: len(rows) for table, rows in pending.items()}


def drop_after(session: Session, marked: dict[Table, int]) -> None:
    """Forget the rows queued since ``marked`` (their savepoint rolled back)."""
    pending: dict[Table, list[dict[str, Any]]] = session.info.get(_PENDING, {})
    for table, rows in pending.items():
        del rows[marked.get(table, 0) :]


def _by_columns(rows: list[dict[str, Any]]) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return groups


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    write(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_unwritten(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended: rolled back
        session.info.pop(_PENDING, None)
