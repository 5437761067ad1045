"""Email over SMTP (for a relay the site already runs)."""

from __future__ import annotations

import smtplib
import ssl

from notifications.channels.base import (
    Channel,
    LookupUnavailable,
    PermanentSendError,
    Rendered,
    TransientSendError,
)
from notifications.channels.files import email_message


class SmtpChannel(Channel):
    """Sends through an SMTP server; 5xx replies are permanent, 4xx and network errors retry."""

    name = "email"

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
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self._user, self._password = user, password
        self.starttls, self.timeout = starttls, timeout

    def send(self, message: Rendered) -> str:
        mail = email_message(message, self.sender)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self._user:
                    smtp.login(self._user, self._password or "")
                smtp.send_message(mail)
        except smtplib.SMTPResponseException as error:
            # SMTP's codes run the other way round from HTTP's: 4xx is "try again later".
            detail = f"SMTP {error.smtp_code}"
            if 400 <= error.smtp_code < 500:
                raise TransientSendError(detail, status=error.smtp_code) from error
            raise PermanentSendError(detail, status=error.smtp_code) from error
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentSendError("SMTP recipient refused") from error
        except (smtplib.SMTPException, OSError) as error:
            raise TransientSendError(f"SMTP unreachable: {type(error).__name__}") from error
        return str(mail["Message-ID"])

    def find_sent(self, message: Rendered) -> str | None:
        raise LookupUnavailable("SMTP keeps no record we could ask")
