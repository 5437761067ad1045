"""The outbox row lives and dies with the caller's transaction (ARCHITECTURE §7, C4)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, func, select

from engine.db import make_session_factory
from engine.domain.errors import PermissionDenied, ValidationFailed
from engine.models.outbox import OutboxMessage
from engine.services.messaging.outbox import enqueue_messages, list_messages
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user
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


def _request(key: str, **kw: object) -> dict[str, object]:
    return {
        "channel": "email",
        "recipient": f"{key}@example.com",
        "locale": "fa",
        "context": {"customer": "x", "total_due": "1", "invoices": []},
        "idempotency_key": key,
        "template": "payment_reminder",
        **kw,
    }


def test_bulk_enqueue_keeps_order_and_each_key_once(uow: UnitOfWork, ids: dict[str, int]) -> None:
    first_doc, second_doc = draft_invoice(uow, ids), draft_invoice(uow, ids)
    with uow:
        old = _enqueue(uow, "b-old")
        uow.commit()
    batch = [
        _request("b-1", document_ids=[second_doc, first_doc, second_doc]),
        _request("b-old"),
        _request("b-2", attachments=[{"kind": "statement", "contact_id": ids["sameri"]}]),
        _request("b-1"),  # a key twice in one list: one message
    ]
    with uow:
        got = enqueue_messages(uow, batch)
        uow.commit()
    assert got[1] == old and got[0] == got[3] and len(set(got)) == 3
    assert _count(uow) == 3
    (b1,) = list_messages(uow, document_id=first_doc)
    assert b1.id == got[0] and b1.document_ids == (second_doc, first_doc)
    with uow:
        b2 = uow.outbox.get(got[2])
        assert b2.attachments == [{"kind": "statement", "contact_id": ids["sameri"]}]
        assert b2.status == "queued" and b2.recipient == "b-2@example.com"


def test_bulk_enqueue_validates_every_request_before_writing(uow: UnitOfWork) -> None:
    with uow, pytest.raises(ValidationFailed) as error:
        enqueue_messages(uow, [_request("v-1"), _request("v-2", channel="pigeon")])
    assert "channel" in error.value.fields
    assert _count(uow) == 0


@pytest.mark.postgres
def test_a_key_committed_meanwhile_by_another_transaction_is_not_an_error(
    uow: UnitOfWork, engine: Engine
) -> None:
    other = UnitOfWork(make_session_factory(engine))
    theirs: list[int] = []

    def second_writer() -> None:
        with other:  # blocks on our uncommitted key, then skips it when we commit
            theirs.extend(enqueue_messages(other, [_request("race-2"), _request("race")]))
            other.commit()

    with uow:
        mine = enqueue_messages(uow, [_request("race")])
        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive(), "the second insert should wait for our transaction"
        uow.commit()
    thread.join(10)
    assert theirs[1] == mine[0]
    assert _count(uow) == 2
