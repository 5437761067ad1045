"""History and audit rows are written together at commit, and only then (issue 11 §4).

engine.repositories.journal queues them per transaction: a commit writes them, a
rollback or a rolled-back savepoint drops them, a reader of the history sees its own
transaction's lines, and a value its column cannot hold is a 422 when it is staged.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from engine.domain.errors import ValidationFailed
from engine.models.audit import AuditEntry
from engine.models.documents import DocumentEvent
from engine.services.documents._posting import record_event
from engine.services.documents.commands import NewDocument, create_document
from engine.services.documents.content import Content, LineCommand
from engine.services.unit_of_work import UnitOfWork


def i7_invoice(uow: UnitOfWork) -> int:
    """Create SPEC I7's draft invoice through the service; return its id."""
    with uow:
        clerk = uow.users.by_username("clerk")
        contact = next(c for c in uow.contacts.list() if c.kind == "customer")
        product = uow.products.list()[0]
        assert clerk is not None
        ids = clerk.id, contact.id, product.id
    line = LineCommand(ids[2], Decimal(1), Decimal(90_000_000))
    return create_document(
        uow, NewDocument("sales_invoice", ids[1], Content(lines=[line])), actor_id=ids[0]
    )


def _count(uow: UnitOfWork, model: Any) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def _history(uow: UnitOfWork, document_id: int) -> list[str]:
    with uow:
        return [e.action for e in uow.documents.events(document_id)]


def test_commit_writes_each_table_in_one_statement(uow: UnitOfWork, engine: Engine) -> None:
    document_id = i7_invoice(uow)
    inserts: list[str] = []

    def seen(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        if statement.startswith("INSERT"):
            inserts.append(statement.split("(")[0].strip())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with uow:
            document = uow.documents.get(document_id)
            for action in ("noted", "checked", "reviewed"):
                record_event(uow, document, action, actor_id=None)
                uow.audit.record(actor_id=None, action=f"test.{action}", entity="document")
            assert inserts == []  # nothing goes out before the commit
            uow.commit()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert inserts == ["INSERT INTO document_event", "INSERT INTO audit_entry"]
    assert _history(uow, document_id)[-3:] == ["noted", "checked", "reviewed"]


def test_rollback_drops_the_queued_rows(uow: UnitOfWork) -> None:
    document_id = i7_invoice(uow)
    events, audits = _count(uow, DocumentEvent), _count(uow, AuditEntry)
    with uow:
        record_event(uow, uow.documents.get(document_id), "noted", actor_id=None)
        uow.audit.record(actor_id=None, action="test.noted", entity="document")
        # no commit: leaving the block rolls back
    with uow:
        uow.commit()  # a later transaction of the same unit of work writes nothing stale
    assert (_count(uow, DocumentEvent), _count(uow, AuditEntry)) == (events, audits)


def test_a_rolled_back_savepoint_drops_only_its_own_rows(uow: UnitOfWork) -> None:
    document_id = i7_invoice(uow)
    with uow:
        document = uow.documents.get(document_id)
        record_event(uow, document, "kept", actor_id=None)
        with pytest.raises(RuntimeError), uow.savepoint():
            record_event(uow, document, "dropped", actor_id=None)
            raise RuntimeError("the item fails")
        with uow.savepoint():
            record_event(uow, document, "also kept", actor_id=None)
        uow.commit()
    history = _history(uow, document_id)
    assert "dropped" not in history
    assert history[-2:] == ["kept", "also kept"]


def test_the_history_shows_its_own_transactions_lines(uow: UnitOfWork) -> None:
    document_id = i7_invoice(uow)
    with uow:
        record_event(uow, uow.documents.get(document_id), "noted", actor_id=None)
        assert uow.documents.events(document_id)[-1].action == "noted"
        assert uow.audit.search(action="test.") == []
        uow.audit.record(actor_id=None, action="test.seen", entity="document")
        assert [a.action for a in uow.audit.search(action="test.")] == ["test.seen"]


def test_a_value_too_long_for_its_column_is_refused_when_staged(uow: UnitOfWork) -> None:
    document_id = i7_invoice(uow)
    with uow, pytest.raises(ValidationFailed) as failed:
        record_event(uow, uow.documents.get(document_id), "x" * 41, actor_id=None)
    assert "action" in failed.value.fields
