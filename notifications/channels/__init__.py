"""The channels a deployment sends through, chosen by settings (CARTABLE_*_BACKEND)."""

from __future__ import annotations

from engine.config import Settings
from engine.domain import messages
from notifications.channels.base import Channel
from notifications.channels.files import FileEmailChannel, FileSmsChannel
from notifications.channels.letters import LetterChannel
from notifications.channels.sendgrid_email import SendGridChannel
from notifications.channels.smtp import SmtpChannel
from notifications.channels.twilio_sms import TwilioChannel


class MissingSetting(RuntimeError):
    """A backend was chosen without the settings it needs (names the variable)."""


def _require(value: str | None, name: str) -> str:
    if not value:
        raise MissingSetting(f"{name} is required for this backend")
    return value


def email_channel(settings: Settings) -> Channel:
    """Return the email channel CARTABLE_EMAIL_BACKEND names."""
    if settings.email_backend == "sendgrid":
        return SendGridChannel(
            api_key=_require(settings.sendgrid_api_key, "CARTABLE_SENDGRID_API_KEY"),
            host=settings.sendgrid_host,
            sender=settings.mail_from,
            timeout=settings.provider_timeout_seconds,
            replies=settings.reply_addresses(),
        )
    if settings.email_backend == "smtp":
        return SmtpChannel(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            user=settings.smtp_user,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            timeout=settings.provider_timeout_seconds,
            replies=settings.reply_addresses(),
        )
    return FileEmailChannel(
        settings.data_dir / "outbox" / "email", settings.mail_from, settings.reply_addresses()
    )


def sms_channel(settings: Settings) -> Channel:
    """Return the SMS channel CARTABLE_SMS_BACKEND names."""
    if settings.sms_backend == "twilio":
        callback = (
            f"{settings.public_url.rstrip('/')}/webhooks/twilio" if settings.public_url else None
        )
        return TwilioChannel(
            account_sid=_require(settings.twilio_account_sid, "CARTABLE_TWILIO_ACCOUNT_SID"),
            auth_token=_require(settings.twilio_auth_token, "CARTABLE_TWILIO_AUTH_TOKEN"),
            sender=_require(settings.twilio_from, "CARTABLE_TWILIO_FROM"),
            base_url=settings.twilio_base_url,
            timeout=settings.provider_timeout_seconds,
            callback_url=callback,
        )
    return FileSmsChannel(settings.data_dir / "outbox" / "sms")


def channels_for(settings: Settings) -> dict[str, Channel]:
    """Return {channel name: channel} for email, sms and letter."""
    return {
        messages.Channel.EMAIL: email_channel(settings),
        messages.Channel.SMS: sms_channel(settings),
        messages.Channel.LETTER: LetterChannel(settings.data_dir / "letters" / "queue"),
    }
