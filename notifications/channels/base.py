"""What every channel shares: the rendered message, the result, the two failure kinds."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (an invoice PDF, F1 "attach the overdue invoices")."""

    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True)
class Rendered:
    """A message ready for a channel: text in the recipient's language, files attached."""

    message_id: int
    idempotency_key: str
    channel: str
    recipient: str
    locale: str
    subject: str
    text: str
    html: str = ""
    attachments: tuple[Attachment, ...] = ()
    # The documents the message is about: a reply to it belongs to their threads.
    document_ids: tuple[int, ...] = ()
    # When this claim began: a look-up after a crash only considers later provider records.
    claimed_at: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)


class SendError(Exception):
    """A provider refused or failed; ``detail`` is safe to store and show (no secrets)."""

    def __init__(self, detail: str, *, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status


class TransientSendError(SendError):
    """Worth retrying later: a 5xx, a 429, a timeout, a refused connection."""


class PermanentSendError(SendError):
    """Retrying cannot help: a 4xx (bad address, rejected content, bad credentials)."""


class LookupUnavailable(Exception):
    """The channel cannot tell whether an earlier, interrupted send went out."""


class Channel(ABC):
    """Sends one rendered message; says whether an interrupted send already went out."""

    name: str

    @abstractmethod
    def send(self, message: Rendered) -> str:
        """Send the message and return the provider's id for it.

        Raises TransientSendError (retry later) or PermanentSendError (do not retry).
        """

    @abstractmethod
    def find_sent(self, message: Rendered) -> str | None:
        """Return the provider id if this message (by its key) was already accepted.

        Called only when a worker died between claiming and recording a send. Raises
        LookupUnavailable when the provider cannot answer; the outbox then refuses to
        guess and marks the message failed for a person to decide (never a duplicate).
        """


def classify_status(status: int | None, detail: str) -> SendError:
    """Return the failure kind for an HTTP status: 5xx, 408 and 429 retry; other 4xx stop."""
    if status is None or status >= 500 or status in (408, 429):
        return TransientSendError(detail, status=status)
    return PermanentSendError(detail, status=status)
