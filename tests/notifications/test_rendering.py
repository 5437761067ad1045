"""Templates, retry timing and failure kinds: pure parts of the workers (C4, E5)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.config import Settings
from engine.domain.errors import ValidationFailed
from notifications.channels.base import PermanentSendError, TransientSendError, classify_status
from notifications.outbox import RETRY_CAP_SECONDS, retry_delay
from notifications.rendering import RenderError, render_text
from tests.notifications.support import CONTEXT


def _render(channel: str = "email", locale: str = "fa", **kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {
        "channel": channel,
        "locale": locale,
        "context": CONTEXT,
        "template": "overdue_notice",
        "subject_source": None,
        "body_source": None,
    }
    args.update(kw)
    return render_text(**args)  # type: ignore[arg-type]


def test_persian_email_is_persian_and_right_to_left() -> None:
    text = _render()
    assert text.subject == "فاکتورهای سررسیدگذشته"
    assert "علیرضا سامری گرامی" in text.text
    assert "- فاکتور INV-1، سررسید 1405/08/01: 98,100,000 ریال" in text.text
    assert text.html.startswith('<!DOCTYPE html><html lang="fa" dir="rtl">')


def test_arabic_is_rtl_and_english_ltr() -> None:
    assert 'lang="ar" dir="rtl"' in _render(locale="ar").html
    english = _render(locale="en")
    assert english.subject == "Overdue invoices" and 'dir="ltr"' in english.html


def test_sms_uses_the_short_template_and_has_no_html() -> None:
    text = _render(channel="sms")
    assert (
        text.text
        == "علیرضا سامری گرامی، مبلغ 98,100,000 ریال از سررسید گذشته است. لطفاً پرداخت کنید."
    )
    assert text.html == ""


def test_values_are_escaped_in_the_html_email() -> None:
    text = _render(context={**CONTEXT, "customer": "<script>alert(1)</script>"})
    assert "<script>" not in text.html and "&lt;script&gt;" in text.html


def test_stored_sources_render_and_a_missing_name_fails() -> None:
    text = _render(
        template=None, subject_source="سلام {{ customer }}", body_source="{{ total_due }}"
    )
    assert (text.subject, text.text) == ("سلام علیرضا سامری", "98,100,000")
    with pytest.raises(RenderError):
        _render(template=None, subject_source="", body_source="{{ no_such_name }}")
    with pytest.raises(RenderError):
        _render(template="no_such_template")


def test_the_sandbox_refuses_python_internals() -> None:
    with pytest.raises(RenderError):
        _render(template=None, body_source="{{ customer.__class__.__mro__ }}")


def test_retry_waits_double_up_to_a_cap() -> None:
    assert retry_delay(1, 30, jitter=1.0) == timedelta(seconds=30)
    assert retry_delay(2, 30, jitter=1.0) == timedelta(seconds=60)
    assert retry_delay(4, 30, jitter=1.0) == timedelta(seconds=240)
    assert retry_delay(40, 30, jitter=1.0) == timedelta(seconds=RETRY_CAP_SECONDS)
    spread = {retry_delay(3, 30) for _ in range(50)}
    assert all(timedelta(seconds=96) <= d <= timedelta(seconds=144) for d in spread)
    assert len(spread) > 1


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (500, TransientSendError),
        (503, TransientSendError),
        (429, TransientSendError),
        (408, TransientSendError),
        (None, TransientSendError),
        (400, PermanentSendError),
        (401, PermanentSendError),
        (404, PermanentSendError),
    ],
)
def test_http_status_decides_retry_or_stop(status: int | None, kind: type) -> None:
    assert isinstance(classify_status(status, "x"), kind)


def test_settings_refuse_an_unknown_backend_and_hide_secrets() -> None:
    with pytest.raises(ValidationFailed) as error:
        Settings.from_env({"CARTABLE_EMAIL_BACKEND": "pigeon", "CARTABLE_SECRET_KEY": "k"})
    assert "CARTABLE_EMAIL_BACKEND" in error.value.fields
    settings = Settings.from_env(
        {
            "CARTABLE_SECRET_KEY": "s3cret-key",
            "CARTABLE_SENDGRID_API_KEY": "SG.s3cret",
            "CARTABLE_TWILIO_AUTH_TOKEN": "tw-s3cret",
            "CARTABLE_SMTP_PASSWORD": "smtp-s3cret",
            "CARTABLE_BROKER_URL": "redis://:pw-s3cret@127.0.0.1:6379/0",
        }
    )
    assert "s3cret" not in repr(settings)
    assert settings.sendgrid_api_key == "SG.s3cret"
