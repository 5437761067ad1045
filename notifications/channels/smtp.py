"""Email over SMTP (for a relay the site already runs)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from engine.domain import messages
from engine.domain.replies import ReplyAddresses
from notifications.channels.base import (
    Channel,
    LookupUnavailable,
    PermanentSendError,
    Rendered,
    SendError,
    TransientSendError,
)
from notifications.channels.files import email_message

logger = logging.getLogger(__name__)


class SmtpChannel(Channel):
    """Sends through an SMTP server; 5xx replies are permanent, 4xx and network errors retry."""

    name = messages.Channel.EMAIL

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        user: str | None,
        password: str | None,
        starttls: bool,
        timeout: float,
        replies: ReplyAddresses | None = None,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.replies = replies  # Reply-To of emails about documents (F1, F7)
        self._user, self._password = user, password
        self.starttls, self.timeout = starttls, timeout

    def send(self, message: Rendered) -> str:
        """Hand the message to the server and return its Message-ID.

        Raises TransientSendError for a 4xx reply or a network error, PermanentSendError
        for a 5xx reply (E5).
        """
        mail = email_message(message, self.sender, self.replies)
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except smtplib.SMTPResponseException as error:
            raise reply_error(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            raise TransientSendError(f"SMTP unreachable: {type(error).__name__}") from error
        try:
            self._deliver(smtp, mail)
        finally:
            _quit(smtp)
        return str(mail["Message-ID"])

    def _deliver(self, smtp: smtplib.SMTP, mail: EmailMessage) -> None:
        try:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self._user:
                smtp.login(self._user, self._password or "")
            smtp.ehlo_or_helo_if_needed()
            options: tuple[str, ...] = ()
            if smtp.has_extn("8bitmime"):
                options = ("BODY=8BITMIME",)
            else:
                # The Persian text is 8-bit; a server without 8BITMIME gets it base64.
                mail.policy = mail.policy.clone(cte_type="7bit")
            smtp.send_message(mail, mail_options=options)
        except smtplib.SMTPRecipientsRefused as error:
            # One recipient, so one refusal: its code says whether a retry can help.
            code, text = next(iter(error.recipients.values()))
            raise reply_error(code, text) from error
        except smtplib.SMTPResponseException as error:
            raise reply_error(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            raise TransientSendError(f"SMTP unreachable: {type(error).__name__}") from error

    def find_sent(self, message: Rendered) -> str | None:
        raise LookupUnavailable("SMTP keeps no record we could ask")


def reply_error(code: int, text: bytes | str) -> SendError:
    """Return the failure kind for an SMTP reply: 5xx is permanent, anything else retries.

    SMTP's codes run the other way round from HTTP's: 4xx is "try again later". The
    detail keeps the server's first line (e.g. "5.1.1 user unknown") for the user (E5).
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    detail = f"SMTP {code} {first_line}".strip()[:200]
    if 500 <= code < 600:
        return PermanentSendError(detail, status=code)
    return TransientSendError(detail, status=code)


def _quit(smtp: smtplib.SMTP) -> None:
    # The message was accepted (or refused) before QUIT: a failing QUIT must not turn a
    # sent message into a retry, which would send it twice.
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        logger.warning("SMTP QUIT failed after the message was handed over")
        smtp.close()
