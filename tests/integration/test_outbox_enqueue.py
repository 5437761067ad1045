"""The outbox row lives and dies with the caller's transaction (ARCHITECTURE §7, C4)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.domain.errors import PermissionDenied, ValidationFailed
from engine.models.outbox import OutboxMessage
from engine.services.outbox import list_messages
from engine.services.unit_of_work import UnitOfWork
from engine.services.users import create_user
from tests.notifications.support import draft_invoice, stage


def _enqueue(uow: UnitOfWork, key: str, **kw: object) -> int:
    return stage(uow, key, template="payment_reminder", **kw)


def _count(uow: UnitOfWork) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def test_message_is_kept_only_when_the_caller_commits(uow: UnitOfWork) -> None:
    with uow:
        _enqueue(uow, "k-rolled-back")
        uow.rollback()
    with uow:
        _enqueue(uow, "k-forgotten")  # no commit: the unit of work rolls back on exit
    assert _count(uow) == 0
    with uow:
        message_id = _enqueue(uow, "k-kept")
        uow.commit()
    assert _count(uow) == 1
    assert [m.id for m in list_messages(uow)] == [message_id]


def test_same_key_twice_returns_the_first_message(uow: UnitOfWork, ids: dict[str, int]) -> None:
    with uow:
        first = _enqueue(uow, "k-1", contact_id=ids["sameri"])
        uow.commit()
    with uow:
        second = _enqueue(uow, "k-1", recipient="other@example.com")
        again = _enqueue(uow, "k-1")
        uow.commit()
    assert first == second == again
    assert _count(uow) == 1
    assert list_messages(uow, contact_id=ids["sameri"])[0].recipient == "sameri@example.com"


def test_bad_input_names_the_field(uow: UnitOfWork) -> None:
    with uow, pytest.raises(ValidationFailed) as error:
        _enqueue(uow, "", channel="pigeon", locale="de", recipient=" ")
    assert set(error.value.fields) == {"channel", "locale", "recipient", "idempotency_key"}
    with uow, pytest.raises(ValidationFailed) as error:
        _enqueue(uow, "k", body_source="Hello")  # a template name and a body
    assert "template" in error.value.fields


def test_messages_filter_by_document_and_status(uow: UnitOfWork, ids: dict[str, int]) -> None:
    document_id = draft_invoice(uow, ids)
    with uow:
        _enqueue(uow, "k-a", document_ids=[document_id, document_id])
        _enqueue(uow, "k-b", channel="sms")
        uow.commit()
    by_status = list_messages(uow, status="queued", channel="sms")
    assert [m.idempotency_key for m in by_status] == ["k-b"]
    by_document = list_messages(uow, document_id=document_id)
    assert [(m.idempotency_key, m.document_ids) for m in by_document] == [("k-a", (document_id,))]
    with pytest.raises(ValidationFailed):
        list_messages(uow, status="lost")


def test_a_user_without_access_may_not_read_messages(uow: UnitOfWork, ids: dict[str, int]) -> None:
    designer_id = create_user(uow, username="designer1", password="designer1", roles=["designer"])
    with pytest.raises(PermissionDenied):
        list_messages(uow, actor_id=designer_id)  # designs processes; sees no customer data
    assert list_messages(uow, actor_id=ids["clerk"]) == []
