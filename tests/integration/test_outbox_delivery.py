"""Workers send outbox messages once, through the real SDKs, to fake providers (C4, E5)."""

from __future__ import annotations

import base64
import io
import logging
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest
import time_machine
from sqlalchemy import Engine, select

from engine import clock
from engine.config import Settings
from engine.db import make_session_factory
from engine.models.audit import AuditEntry
from engine.models.documents import DocumentEvent
from engine.services.messaging.outbox import list_messages
from engine.services.unit_of_work import UnitOfWork
from notifications.channels import channels_for
from notifications.outbox import claim_due, render_claim, send_due
from tests.fakes.fixtures import fake_sendgrid, fake_twilio  # noqa: F401
from tests.fakes.sendgrid import FakeSendGrid
from tests.fakes.twilio import FakeTwilio
from tests.notifications.support import CONTEXT, draft_invoice, queue, stage


@pytest.fixture
def settings(
    tmp_path: Path,
    database_url: str,
    fake_sendgrid: FakeSendGrid,  # noqa: F811
    fake_twilio: FakeTwilio,  # noqa: F811
) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="test",
        email_backend="sendgrid",
        sms_backend="twilio",
        sendgrid_api_key="SG.test-key",
        sendgrid_host=fake_sendgrid.url,
        twilio_account_sid="AC" + "0" * 32,
        twilio_auth_token="twilio-test-token",
        twilio_from="+15005550006",
        twilio_base_url=fake_twilio.url,
        public_url="http://127.0.0.1:9/",
        provider_timeout_seconds=1.0,
        outbox_retry_base_seconds=30,
        outbox_lease_seconds=60,
    )


def _message(uow: UnitOfWork, message_id: int):  # type: ignore[no-untyped-def]
    return next(m for m in list_messages(uow) if m.id == message_id)


def test_rolled_back_decision_sends_nothing(
    uow: UnitOfWork,
    settings: Settings,
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    with uow:
        stage(uow, "rolled-back")
        uow.rollback()
    report = send_due(uow, channels_for(settings), settings)
    assert report.handled == 0
    assert fake_sendgrid.sends() == []


def test_persian_customer_gets_persian_email_and_sms(
    uow: UnitOfWork,
    settings: Settings,
    fake_sendgrid: FakeSendGrid,  # noqa: F811
    fake_twilio: FakeTwilio,  # noqa: F811
) -> None:
    email_id = queue(uow, "fa-email")
    sms_id = queue(uow, "fa-sms", channel="sms")
    report = send_due(uow, channels_for(settings), settings)
    assert report.sent == 2
    (mail,) = fake_sendgrid.sends()
    body = mail.json()
    assert body["subject"] == "فاکتورهای سررسیدگذشته"
    html = next(c["value"] for c in body["content"] if c["type"] == "text/html")
    assert 'lang="fa" dir="rtl"' in html and "علیرضا سامری گرامی" in html
    assert mail.key == "fa-email"
    (sms,) = fake_twilio.sends()
    assert sms.form["Body"][0].startswith("علیرضا سامری گرامی")
    assert "key=fa-sms" in sms.form["StatusCallback"][0]
    assert _message(uow, email_id).status == "sent"
    assert _message(uow, email_id).provider_message_id == fake_sendgrid.message_ids["fa-email"]
    assert _message(uow, sms_id).provider_message_id == fake_twilio.messages[0]["sid"]


def test_english_template_for_an_english_customer(
    uow: UnitOfWork,
    settings: Settings,
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    queue(uow, "en-email", locale="en")
    send_due(uow, channels_for(settings), settings)
    body = fake_sendgrid.sends()[0].json()
    assert body["subject"] == "Overdue invoices"
    html = next(c["value"] for c in body["content"] if c["type"] == "text/html")
    assert 'dir="ltr"' in html


def test_provider_5xx_is_retried_with_backoff_then_sent_once(
    uow: UnitOfWork,
    settings: Settings,
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    fake_sendgrid.script("500", "500")
    message_id = queue(uow, "flaky")
    channels = channels_for(settings)
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert send_due(uow, channels, settings).retried == 1
        first = _message(uow, message_id)
        assert first.status == "queued" and first.attempts == 1
        assert "500" in (first.last_error or "")
        # base 30 s with jitter of ±20%
        assert timedelta(seconds=24) <= first.next_attempt_at - start <= timedelta(seconds=36)
        assert send_due(uow, channels, settings).handled == 0  # not due yet
        traveller.shift(timedelta(seconds=37))
        assert send_due(uow, channels, settings).retried == 1
        second = _message(uow, message_id)
        assert (
            timedelta(seconds=48) <= second.next_attempt_at - clock.now() <= timedelta(seconds=72)
        )  # doubled
        traveller.shift(timedelta(seconds=73))
        assert send_due(uow, channels, settings).sent == 1
    assert len(fake_sendgrid.sends()) == 3
    assert fake_sendgrid.accepted_keys() == {"flaky": 1}
    done = _message(uow, message_id)
    assert (done.status, done.attempts, done.last_error) == ("sent", 3, None)


def test_provider_timeout_is_retried(
    uow: UnitOfWork,
    settings: Settings,
    fake_twilio: FakeTwilio,  # noqa: F811
) -> None:
    fake_twilio.hang_seconds = 3
    fake_twilio.script("hang")
    settings = replace(settings, provider_timeout_seconds=0.3)
    message_id = queue(uow, "slow", channel="sms")
    assert send_due(uow, channels_for(settings), settings).retried == 1
    message = _message(uow, message_id)
    assert message.status == "queued"
    assert "unreachable" in (message.last_error or "")


def test_provider_4xx_fails_permanently_and_shows_in_history(
    uow: UnitOfWork,
    settings: Settings,
    ids: dict[str, int],
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    document_id = draft_invoice(uow, ids)
    fake_sendgrid.script("400")
    message_id = queue(uow, "bad-address", contact_id=ids["sameri"], document_ids=[document_id])
    channels = channels_for(settings)
    assert send_due(uow, channels, settings).failed == 1
    with time_machine.travel(clock.now() + timedelta(days=1), tick=False):
        assert send_due(uow, channels, settings).handled == 0  # never retried
    assert len(fake_sendgrid.sends()) == 1
    failed = list_messages(uow, contact_id=ids["sameri"], status="failed")
    assert [m.id for m in failed] == [message_id]
    assert "SendGrid 400" in (failed[0].last_error or "")
    with uow:
        events = [
            (e.action, e.details.get("message_id"))
            for e in uow.session.scalars(
                select(DocumentEvent).where(DocumentEvent.document_id == document_id)
            )
        ]
        audit = [
            a.entity_id
            for a in uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "message_failed")
            )
        ]
    assert ("message_failed", message_id) in events
    assert audit == [str(ids["sameri"])]


def test_email_attaches_the_invoice_pdf(
    uow: UnitOfWork,
    settings: Settings,
    ids: dict[str, int],
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    document_id = draft_invoice(uow, ids)
    queue(uow, "with-invoice", document_ids=[document_id], attach_documents=True)
    assert send_due(uow, channels_for(settings), settings).sent == 1
    (attachment,) = fake_sendgrid.sends()[0].json()["attachments"]
    assert attachment["filename"] == f"sales_invoice-draft-{document_id}.pdf"
    pdf = pypdf.PdfReader(io.BytesIO(base64.b64decode(attachment["content"])))
    # The invoice the customer would download (I9): Persian, the total in words.
    text = pdf.pages[0].extract_text()
    assert "فاکتور فروش" in text and "علیرضا سامری" in text
    assert "نود و هشت میلیون و صد هزار ریال" in text


def test_letter_is_a_pdf_in_the_print_queue_with_the_invoice(
    uow: UnitOfWork, settings: Settings, ids: dict[str, int]
) -> None:
    document_id = draft_invoice(uow, ids)
    message_id = queue(
        uow,
        "letter-1",
        channel="letter",
        recipient="علیرضا سامری",
        context={**CONTEXT, "address": "تهران، خیابان آزادی"},
        document_ids=[document_id],
        attach_documents=True,
    )
    assert send_due(uow, channels_for(settings), settings).sent == 1
    (path,) = (settings.data_dir / "letters" / "queue").glob("*.pdf")
    assert path.name.startswith(f"letter-{message_id}-")
    pdf = pypdf.PdfReader(path)
    assert len(pdf.pages) == 2  # the letter, then the invoice
    assert _message(uow, message_id).provider_message_id == f"file:{path.name}"


def test_file_sinks_write_each_message_once(uow: UnitOfWork, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url="sqlite://", secret_key="x")
    queue(uow, "file-email")
    queue(uow, "file-sms", channel="sms")
    assert send_due(uow, channels_for(settings), settings).sent == 2
    (eml,) = (tmp_path / "outbox" / "email").glob("*.eml")
    assert "X-Cartable-Key: file-email" in eml.read_text()
    (sms,) = (tmp_path / "outbox" / "sms").glob("*.json")
    assert "علیرضا سامری" in sms.read_text(encoding="utf-8")


def test_a_template_cannot_reach_python_internals(
    uow: UnitOfWork,
    settings: Settings,
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    message_id = queue(
        uow,
        "evil",
        template=None,
        subject_source="x",
        body_source="{{ ''.__class__.__mro__[1].__subclasses__() }}",
    )
    assert send_due(uow, channels_for(settings), settings).failed == 1
    assert fake_sendgrid.sends() == []
    assert "template" in (_message(uow, message_id).last_error or "")


def test_worker_dying_after_the_send_does_not_send_again(
    uow: UnitOfWork,
    settings: Settings,
    fake_sendgrid: FakeSendGrid,  # noqa: F811
    fake_twilio: FakeTwilio,  # noqa: F811
) -> None:
    channels = channels_for(settings)
    email_id = queue(uow, "crash-email")
    sms_id = queue(uow, "crash-sms", channel="sms")
    unsent_id = queue(uow, "crash-before-send")
    claims = claim_due(uow, limit=10, lease_seconds=settings.outbox_lease_seconds)
    assert len(claims) == 3
    # The "dead" worker sent two of its three messages and recorded nothing.
    for claim in claims[:2]:
        rendered = render_claim(uow, claim)
        assert rendered is not None
        channels[rendered.channel].send(rendered)
    assert send_due(uow, channels, settings).handled == 0  # leases still held
    with time_machine.travel(clock.now() + timedelta(seconds=61), tick=False):
        report = send_due(uow, channels, settings)
    assert (report.recovered, report.sent) == (2, 1)
    assert fake_sendgrid.accepted_keys() == {"crash-email": 1, "crash-before-send": 1}
    assert fake_twilio.accepted_keys() == {"crash-sms": 1}
    assert {_message(uow, i).status for i in (email_id, sms_id, unsent_id)} == {"sent"}


def test_unknown_outcome_without_lookup_is_failed_not_resent(
    uow: UnitOfWork, settings: Settings
) -> None:
    smtp = replace(settings, email_backend="smtp", smtp_host="127.0.0.1", smtp_port=9)
    message_id = queue(uow, "smtp-crash")
    claim_due(uow, limit=10, lease_seconds=60)  # the worker dies here
    with time_machine.travel(clock.now() + timedelta(seconds=61), tick=False):
        assert send_due(uow, channels_for(smtp), smtp).failed == 1
    message = _message(uow, message_id)
    assert message.status == "failed"
    assert "outcome unknown" in (message.last_error or "")


def test_concurrent_claims_take_disjoint_messages(uow: UnitOfWork, engine: Engine) -> None:
    for i in range(30):
        queue(uow, f"parallel-{i}")
    factory = make_session_factory(engine)
    results: list[list[int]] = [[], [], []]

    def claim(slot: int) -> None:
        own = UnitOfWork(factory)  # a unit of work is not shared between threads
        while batch := claim_due(own, limit=3, lease_seconds=60):
            results[slot].extend(c.message_id for c in batch)

    threads = [threading.Thread(target=claim, args=(slot,)) for slot in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [i for r in results for i in r]
    assert len(claimed) == len(set(claimed)) == 30


def test_debug_logging_never_shows_the_provider_secrets(
    uow: UnitOfWork,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    fake_sendgrid: FakeSendGrid,  # noqa: F811
    fake_twilio: FakeTwilio,  # noqa: F811
) -> None:
    """Even with every logger at DEBUG, the API key and auth token stay out (E8)."""
    queue(uow, "log-email")
    queue(uow, "log-sms", channel="sms")
    with caplog.at_level(logging.DEBUG):
        assert send_due(uow, channels_for(settings), settings).sent == 2
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "SG.test-key" not in logged
    assert "twilio-test-token" not in logged


def test_sendgrid_emails_share_one_kept_alive_connection(
    uow: UnitOfWork,
    settings: Settings,
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    """One TLS handshake per worker, not per email: the SDK's client runs on a pool."""
    for i in range(4):
        queue(uow, f"pooled-{i}")
    assert send_due(uow, channels_for(settings), settings).sent == 4
    assert len(fake_sendgrid.sends()) == 4
    assert fake_sendgrid.connections == 1
