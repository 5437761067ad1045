"""Followers of invoices and writing to them (SPEC F1 "add the customer as a follower of
replies", F7, C4): follow-up levels add them, people add and remove them, a thread post
emails each one in its language with a Reply-To that brings the answer back."""

from __future__ import annotations

import email
import threading
from datetime import date, timedelta
from email import policy
from pathlib import Path
from typing import Any

import time_machine
from sqlalchemy import Engine, select

from engine.config import Settings
from engine.db import make_session_factory
from engine.domain.replies import ReplyAddresses
from engine.models.documents import DocumentEvent
from engine.models.followers import DocumentFollower
from engine.services.followups._batch import FollowupBatch
from engine.services.followups.followers import add_followers, post_to_thread
from engine.services.followups.passes import process_followups
from engine.services.followups.reminders import ManualSend, manual_send
from engine.services.unit_of_work import UnitOfWork
from notifications.channels import channels_for
from notifications.outbox import send_due
from tests.fakes.fixtures import fake_sendgrid, fake_smtp  # noqa: F401
from tests.fakes.sendgrid import FakeSendGrid
from tests.fakes.smtp import FakeSmtp
from tests.integration.conftest import Api
from tests.integration.flows import field_errors
from tests.integration.followup_support import at, customer, messages, post_directly, posted_invoice
from tests.notifications.support import queue

ISSUED = date(2026, 3, 1)
DUE = date(2026, 3, 31)
DOMAIN = "reply.example.com"
SECRET = "test-secret"


def _late(uow: UnitOfWork, ids: dict[str, int], **kw: object) -> tuple[int, int]:
    post_directly(uow, ids)
    with time_machine.travel(at(ISSUED), tick=False):
        contact_id = customer(uow, ids, "مشتری دیرکرد", **kw)  # type: ignore[arg-type]
        invoice_id = posted_invoice(uow, ids, contact_id, DUE)
    return contact_id, invoice_id


def _run(uow: UnitOfWork, day: date) -> None:
    with time_machine.travel(at(day), tick=False):
        process_followups(uow, on=day)


def _followers(uow: UnitOfWork, document_id: int) -> list[tuple[int, str]]:
    with uow:
        return [(f.contact_id, f.origin) for f, _ in uow.followers.of_document(document_id)]


def _level_id(uow: UnitOfWork, days: int) -> int:
    with uow:
        return next(lvl.id for lvl in uow.followups.levels() if lvl.days == days)


def test_levels_without_add_follower_add_no_follower(uow: UnitOfWork, ids: dict[str, int]) -> None:
    _contact_id, invoice_id = _late(uow, ids)
    _run(uow, DUE - timedelta(days=3))
    _run(uow, DUE + timedelta(days=7))

    assert len(messages(uow)) == 2
    assert _followers(uow, invoice_id) == []


def test_a_level_with_add_follower_makes_the_customer_follow_its_invoices(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, invoice_id = _late(uow, ids)
    _run(uow, DUE + timedelta(days=15))  # the default +15 level: email and SMS, add_follower

    assert sorted(m.channel for m in messages(uow, contact_id)) == ["email", "sms"]
    assert _followers(uow, invoice_id) == [(contact_id, f"followup:{_level_id(uow, 15)}")]


def test_a_manual_send_at_a_follower_level_adds_the_customer(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, invoice_id = _late(uow, ids)
    plus7, plus15 = _level_id(uow, 7), _level_id(uow, 15)
    with time_machine.travel(at(DUE + timedelta(days=8)), tick=False):
        cmd = ManualSend(contact_id=contact_id, channels=("email",), level_id=plus7)
        manual_send(uow, cmd, actor_id=ids["accountant"])
        assert _followers(uow, invoice_id) == []
        cmd = ManualSend(contact_id=contact_id, channels=("email", "sms"), level_id=plus15)
        manual_send(uow, cmd, actor_id=ids["accountant"])

    assert _followers(uow, invoice_id) == [(contact_id, f"followup:{plus15}")]


def test_a_customer_dropped_from_a_batch_leaves_no_follower(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, invoice_id = _late(uow, ids)
    with uow:
        batch = FollowupBatch(uow, sent=[], deferred=True)
        mark = batch.mark()
        batch.add_followers([invoice_id], contact_id, "followup:1")
        batch.rollback_to(mark, contact_id)
        batch.write()
        uow.commit()
    assert _followers(uow, invoice_id) == []


def test_adding_a_follower_again_keeps_the_first_row(uow: UnitOfWork, ids: dict[str, int]) -> None:
    contact_id, invoice_id = _late(uow, ids)
    for origin in ("followup:1", "manual"):
        with uow:
            add_followers(uow, document_ids=[invoice_id], contact_id=contact_id, origin=origin)
            uow.commit()
    assert _followers(uow, invoice_id) == [(contact_id, "followup:1")]


def test_two_transactions_adding_the_same_follower_both_commit(
    uow: UnitOfWork, ids: dict[str, int], engine: Engine
) -> None:
    contact_id, invoice_id = _late(uow, ids)
    factory = make_session_factory(engine)
    start = threading.Barrier(2, timeout=20)
    errors: list[BaseException] = []

    def add(origin: str) -> None:
        start.wait()
        try:
            with UnitOfWork(factory) as mine:
                add_followers(mine, document_ids=[invoice_id], contact_id=contact_id, origin=origin)
                mine.commit()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=add, args=(o,)) for o in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with uow:
        rows = uow.session.scalars(select(DocumentFollower)).all()
        assert [(r.document_id, r.contact_id) for r in rows] == [(invoice_id, contact_id)]


# writing to the followers --------------------------------------------------------------


def _thread_world(uow: UnitOfWork, ids: dict[str, int]) -> tuple[int, dict[str, int]]:
    """An invoice followed by a Persian, an English and an address-less contact."""
    fa, invoice_id = _late(uow, ids, email="fa@example.com")
    en = customer(uow, ids, "Late Ltd", language="en", email="en@example.com")
    mute = customer(uow, ids, "بی‌نشانی", email=None)
    with uow:
        for contact_id in (fa, en, mute):
            add_followers(uow, document_ids=[invoice_id], contact_id=contact_id, origin="manual")
        uow.commit()
    return invoice_id, {"fa": fa, "en": en, "mute": mute}


def _settings(tmp_path: Path, database_url: str, **kw: object) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key=SECRET,
        reply_domain=DOMAIN,
        **kw,  # type: ignore[arg-type]
    )


def test_a_thread_post_emails_each_follower_in_its_language_with_a_reply_address(
    uow: UnitOfWork, ids: dict[str, int], tmp_path: Path, database_url: str
) -> None:
    invoice_id, who = _thread_world(uow, ids)
    queued = post_to_thread(
        uow, actor_id=ids["accountant"], document_id=invoice_id, body="لطفاً تأیید کنید."
    )

    assert sorted((m.recipient, m.locale) for m in queued) == [
        ("en@example.com", "en"),
        ("fa@example.com", "fa"),
    ]
    with uow:
        number = uow.documents.get(invoice_id).number
        (line,) = [e for e in uow.documents.events(invoice_id) if e.action == "thread_message"]
        assert line.comment == "لطفاً تأیید کنید." and line.actor_id == ids["accountant"]
    settings = _settings(tmp_path, database_url)
    assert send_due(uow, channels_for(settings), settings).sent == 2
    mails = {
        m["To"]: m
        for m in (
            email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in tmp_path.glob("outbox/email/*")
        )
    }
    replies = ReplyAddresses(domain=DOMAIN, secret=SECRET)
    by_contact = {m.contact_id: m.id for m in queued}
    assert mails["fa@example.com"]["Reply-To"] == replies.address(by_contact[who["fa"]])
    assert mails["en@example.com"]["Reply-To"] == replies.address(by_contact[who["en"]])
    assert mails["en@example.com"]["Subject"] == f"About invoice {number}"
    assert str(mails["fa@example.com"]["Subject"]).startswith("پیام درباره‌ی فاکتور")


def test_sendgrid_gets_the_reply_address_of_an_email_about_documents(
    uow: UnitOfWork,
    ids: dict[str, int],
    tmp_path: Path,
    database_url: str,
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    invoice_id, who = _thread_world(uow, ids)
    queued = post_to_thread(
        uow, actor_id=ids["clerk"], document_id=invoice_id, body="Please confirm.", subject="Hi"
    )
    settings = _settings(
        tmp_path,
        database_url,
        email_backend="sendgrid",
        sendgrid_api_key="SG.test-key",
        sendgrid_host=fake_sendgrid.url,
        provider_timeout_seconds=1.0,
    )
    send_due(uow, channels_for(settings), settings)

    replies = ReplyAddresses(domain=DOMAIN, secret=SECRET)
    sent = {mail.key: mail.json() for mail in fake_sendgrid.sends()}
    with uow:
        keys = {m.id: uow.outbox.get(m.id).idempotency_key for m in queued}
    assert len(sent) == 2
    for message in queued:
        payload = sent[keys[message.id]]
        assert payload["reply_to"]["email"] == replies.address(message.id)
        assert payload["subject"] == "Hi"


def test_smtp_sends_the_reply_address_of_an_email_about_documents(
    uow: UnitOfWork,
    ids: dict[str, int],
    tmp_path: Path,
    database_url: str,
    fake_smtp: FakeSmtp,  # noqa: F811
) -> None:
    invoice_id, who = _thread_world(uow, ids)
    queued = post_to_thread(uow, actor_id=ids["clerk"], document_id=invoice_id, body="سلام")
    settings = _settings(
        tmp_path,
        database_url,
        email_backend="smtp",
        smtp_host=fake_smtp.host,
        smtp_port=fake_smtp.port,
        provider_timeout_seconds=2.0,
    )
    assert send_due(uow, channels_for(settings), settings).sent == 2

    replies = ReplyAddresses(domain=DOMAIN, secret=SECRET)
    received = {r.rcpt_tos[0]: r.message() for r in fake_smtp.accepted()}
    for message in queued:
        assert received[message.recipient]["Reply-To"] == replies.address(message.id)


def test_an_email_about_no_document_has_no_reply_address(
    uow: UnitOfWork, tmp_path: Path, database_url: str
) -> None:
    queue(uow, "plain")
    settings = _settings(tmp_path, database_url)
    send_due(uow, channels_for(settings), settings)
    (path,) = tmp_path.glob("outbox/email/*")
    assert email.message_from_bytes(path.read_bytes(), policy=policy.default)["Reply-To"] is None


# the API --------------------------------------------------------------------------------


def test_followers_are_listed_added_once_and_removed_over_the_api(
    api: Api, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    for user in ("admin", "clerk", "approver"):
        api.token(user)
    contact_id, invoice_id = _late(uow, ids)
    path = f"/api/v1/documents/{invoice_id}/followers"
    assert api.ok("GET", path, as_="approver") == []

    first = api.ok("POST", path, {"contact_id": contact_id}, as_="clerk", status=201)
    again = api.ok("POST", path, {"contact_id": contact_id}, as_="clerk", status=201)
    assert first == again and first["origin"] == "manual" and first["email"] == "c@example.com"
    assert [f["contact_id"] for f in api.ok("GET", path, as_="approver")] == [contact_id]
    with uow:
        actions = [e.action for e in uow.documents.events(invoice_id)]
    assert actions.count("follower_added") == 1

    assert api.post(path, {"contact_id": contact_id}, as_="approver").status_code == 403
    assert api.call("DELETE", f"{path}/{contact_id}", as_="clerk").status_code == 204
    assert api.call("DELETE", f"{path}/{contact_id}", as_="clerk").status_code == 404
    assert api.ok("GET", path) == []


def test_the_api_names_the_bad_field(api: Api, uow: UnitOfWork, ids: dict[str, int]) -> None:
    api.token("admin")
    contact_id, invoice_id = _late(uow, ids)
    followers = f"/api/v1/documents/{invoice_id}/followers"
    thread = f"/api/v1/documents/{invoice_id}/thread"

    unknown = api.post(followers, {"contact_id": 999999})
    assert unknown.status_code == 422 and "contact_id" in field_errors(unknown)
    nobody = api.post(thread, {"body": "سلام"})
    assert nobody.status_code == 422 and "followers" in field_errors(nobody)
    api.ok("POST", followers, {"contact_id": contact_id}, status=201)
    empty = api.post(thread, {"body": "   "})
    assert empty.status_code == 422 and "body" in field_errors(empty)
    missing = api.post(thread, {})
    assert missing.status_code == 422 and "body" in field_errors(missing)
    assert api.get("/api/v1/documents/999999/followers").status_code == 404
    assert api.post("/api/v1/documents/999999/thread", {"body": "x"}).status_code == 404
    assert api.post("/api/v1/documents/999999/followers", {"contact_id": 1}).status_code == 404


def test_a_thread_post_over_the_api_returns_the_queued_messages(
    api: Api, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    for user in ("clerk", "approver"):
        api.token(user)
    invoice_id, who = _thread_world(uow, ids)
    body = {"body": "Please confirm the delivery date.", "subject": "Delivery"}
    queued = api.ok("POST", f"/api/v1/documents/{invoice_id}/thread", body, as_="clerk", status=201)

    assert sorted(m["recipient"] for m in queued) == ["en@example.com", "fa@example.com"]
    assert {m["status"] for m in queued} == {"queued"}
    assert (
        api.post(f"/api/v1/documents/{invoice_id}/thread", body, as_="approver").status_code == 403
    )
    with uow:
        events = uow.session.scalars(
            select(DocumentEvent).where(DocumentEvent.action == "thread_message")
        ).all()
    assert len(events) == 1


def test_a_repeated_post_with_the_same_idempotency_key_sends_once(
    api: Api, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    invoice_id, _ = _thread_world(uow, ids)
    body = {"body": "Please confirm the delivery date."}
    path = f"/api/v1/documents/{invoice_id}/thread"
    first, again = (_post_with_key(api, path, body, "post-7f3a") for _ in range(2))
    assert first.status_code == again.status_code == 201
    assert sorted(m["id"] for m in again.get_json()) == sorted(m["id"] for m in first.get_json())
    other = api.ok("POST", path, body, as_="clerk", status=201)  # no key: a new post
    assert not {m["id"] for m in other} & {m["id"] for m in first.get_json()}
    with uow:
        events = uow.session.scalars(
            select(DocumentEvent).where(DocumentEvent.action == "thread_message")
        ).all()
    assert len(events) == 2
    bad = _post_with_key(api, path, body, "a b")
    assert bad.status_code == 422 and "request_key" in bad.get_json()["errors"]


def _post_with_key(api: Api, path: str, body: dict[str, str], key: str) -> Any:
    headers = {"Authorization": f"Bearer {api.token('clerk')}", "Idempotency-Key": key}
    return api.client.post(path, json=body, headers=headers)
