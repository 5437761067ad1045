"""The SMTP email channel, run by the outbox worker against a fake SMTP server (C4, E5).

SMTP's reply codes run the other way round from HTTP's: 4xx is "try again later" and
retries, 5xx is final and fails the message where the responsible user sees it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from engine import clock
from engine.config import Settings
from engine.services.messaging.outbox import MessageView, list_messages
from engine.services.unit_of_work import UnitOfWork
from notifications.channels import channels_for
from notifications.channels.smtp import SmtpChannel
from notifications.outbox import send_due
from tests.fakes.fixtures import fake_smtp  # noqa: F401
from tests.fakes.smtp import FakeSmtp
from tests.notifications.support import draft_invoice, queue


@pytest.fixture
def settings(
    tmp_path: Path,
    database_url: str,
    fake_smtp: FakeSmtp,  # noqa: F811
) -> Settings:
    return Settings.from_env(
        {
            "CARTABLE_DATA_DIR": str(tmp_path),
            "CARTABLE_DATABASE_URL": database_url,
            "CARTABLE_SECRET_KEY": "test",
            "CARTABLE_EMAIL_BACKEND": "smtp",
            "CARTABLE_SMTP_HOST": fake_smtp.host,
            "CARTABLE_SMTP_PORT": str(fake_smtp.port),
            "CARTABLE_MAIL_FROM": "کارتابل <cartable@example.com>",
            "CARTABLE_PROVIDER_TIMEOUT_SECONDS": "2",
            "CARTABLE_OUTBOX_RETRY_BASE_SECONDS": "30",
        }
    )


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound on 127.0.0.1 but not listening: connections to it are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def _message(uow: UnitOfWork, message_id: int) -> MessageView:
    return next(m for m in list_messages(uow) if m.id == message_id)


def test_smtp_backend_is_chosen_by_the_settings(settings: Settings) -> None:
    channel = channels_for(settings)["email"]
    assert isinstance(channel, SmtpChannel)


def test_persian_email_arrives_with_its_headers_and_the_invoice_pdf(
    uow: UnitOfWork,
    settings: Settings,
    ids: dict[str, int],
    fake_smtp: FakeSmtp,  # noqa: F811
) -> None:
    document_id = draft_invoice(uow, ids)
    message_id = queue(uow, "smtp-fa", document_ids=[document_id], attach_documents=True)
    assert send_due(uow, channels_for(settings), settings).sent == 1
    (received,) = fake_smtp.accepted()
    assert received.mail_from == "cartable@example.com"
    assert received.rcpt_tos == ["sameri@example.com"]
    assert "BODY=8BITMIME" in received.mail_options  # the 8-bit Persian body is announced
    mail = received.message()
    assert mail["From"].addresses[0].display_name == "کارتابل"
    assert mail["To"] == "sameri@example.com"
    assert mail["Subject"] == "فاکتورهای سررسیدگذشته"
    assert mail["X-Cartable-Key"] == "smtp-fa"
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None and "علیرضا سامری گرامی" in text.get_content()
    assert html is not None and 'lang="fa" dir="rtl"' in html.get_content()
    (pdf,) = [part for part in mail.iter_attachments() if part.get_content_type() != "text/html"]
    assert pdf.get_content_type() == "application/pdf"
    assert (pdf.get_filename() or "").endswith(".pdf")
    assert pdf.get_content().startswith(b"%PDF-")
    sent = _message(uow, message_id)
    assert sent.status == "sent" and sent.provider_message_id == mail["Message-ID"]


def test_server_without_8bitmime_gets_the_persian_text_in_seven_bits(
    uow: UnitOfWork, settings: Settings
) -> None:
    old_relay = FakeSmtp(eight_bit=False).start()
    try:
        settings = replace(settings, smtp_port=old_relay.port)
        queue(uow, "smtp-7bit")
        assert send_due(uow, channels_for(settings), settings).sent == 1
        (received,) = old_relay.accepted()
    finally:
        old_relay.stop()
    assert "BODY=8BITMIME" not in received.mail_options
    assert received.content.isascii()
    text = received.message().get_body(preferencelist=("plain",))
    assert text is not None and "علیرضا سامری گرامی" in text.get_content()


def test_smtp_4xx_is_retried_later_then_sent_once(
    uow: UnitOfWork,
    settings: Settings,
    fake_smtp: FakeSmtp,  # noqa: F811
) -> None:
    fake_smtp.script("451")
    message_id = queue(uow, "smtp-451")
    channels = channels_for(settings)
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert send_due(uow, channels, settings).retried == 1
        waiting = _message(uow, message_id)
        assert (waiting.status, waiting.attempts) == ("queued", 1)
        assert (waiting.last_error or "").startswith("SMTP 451")
        assert waiting.next_attempt_at - start >= timedelta(seconds=24)  # 30 s, -20% jitter
        assert send_due(uow, channels, settings).handled == 0  # not due yet
        traveller.shift(timedelta(seconds=37))
        assert send_due(uow, channels, settings).sent == 1
    assert fake_smtp.accepted_keys() == {"smtp-451": 1}
    assert _message(uow, message_id).status == "sent"


def test_smtp_5xx_fails_permanently_with_the_reply_shown(
    uow: UnitOfWork,
    settings: Settings,
    fake_smtp: FakeSmtp,  # noqa: F811
) -> None:
    fake_smtp.script("550")
    message_id = queue(uow, "smtp-550")
    channels = channels_for(settings)
    assert send_due(uow, channels, settings).failed == 1
    with time_machine.travel(clock.now() + timedelta(days=1), tick=False):
        assert send_due(uow, channels, settings).handled == 0  # never retried
    failed = _message(uow, message_id)
    assert failed.status == "failed" and failed.failed_at is not None
    assert (failed.last_error or "").startswith("SMTP 550")
    assert "fake refusal" in (failed.last_error or "")  # the server's words, for the user
    assert len(fake_smtp.received) == 1 and fake_smtp.accepted() == []


@pytest.mark.parametrize(
    ("answer", "status"), [("rcpt:450", "queued"), ("rcpt:550", "failed")], ids=["450", "550"]
)
def test_refused_recipient_retries_or_fails_by_its_code(
    uow: UnitOfWork,
    settings: Settings,
    fake_smtp: FakeSmtp,  # noqa: F811
    answer: str,
    status: str,
) -> None:
    fake_smtp.script(answer)
    message_id = queue(uow, f"smtp-{answer}")
    send_due(uow, channels_for(settings), settings)
    message = _message(uow, message_id)
    assert message.status == status
    assert (message.last_error or "").startswith(f"SMTP {answer[5:]}")


def test_refused_connection_is_retried(
    uow: UnitOfWork, settings: Settings, closed_port: int
) -> None:
    settings = replace(settings, smtp_port=closed_port)
    message_id = queue(uow, "smtp-down")
    start = clock.now()
    with time_machine.travel(start, tick=False):
        assert send_due(uow, channels_for(settings), settings).retried == 1
    message = _message(uow, message_id)
    assert message.status == "queued" and message.next_attempt_at > start
    assert message.last_error == "SMTP unreachable: ConnectionRefusedError"


def test_failing_quit_after_the_send_does_not_send_twice(
    uow: UnitOfWork,
    settings: Settings,
    fake_smtp: FakeSmtp,  # noqa: F811
) -> None:
    fake_smtp.quit_reply = "421 4.3.2 shutting down"
    message_id = queue(uow, "smtp-quit")
    channels = channels_for(settings)
    assert send_due(uow, channels, settings).sent == 1
    with time_machine.travel(clock.now() + timedelta(hours=1), tick=False):
        assert send_due(uow, channels, settings).handled == 0
    assert fake_smtp.accepted_keys() == {"smtp-quit": 1}
    assert _message(uow, message_id).status == "sent"


def test_login_with_the_configured_user(uow: UnitOfWork, settings: Settings) -> None:
    relay = FakeSmtp(users={"cartable": "relay-secret"}).start()
    try:
        good = replace(
            settings, smtp_port=relay.port, smtp_user="cartable", smtp_password="relay-secret"
        )
        queue(uow, "smtp-auth")
        assert send_due(uow, channels_for(good), good).sent == 1
        bad = replace(good, smtp_password="wrong")
        refused_id = queue(uow, "smtp-auth-refused")
        assert send_due(uow, channels_for(bad), bad).failed == 1
    finally:
        relay.stop()
    assert [r.login for r in relay.accepted()] == ["cartable"]
    assert (_message(uow, refused_id).last_error or "").startswith("SMTP 535")
