"""Postal letters: a PDF per letter in a print queue under CARTABLE_DATA_DIR (ARCH §7).

The letter page and the attached invoices were rendered to one PDF by the outbox
(engine.pdf.html_to_pdf); this channel only queues the file for whoever prints the post.
"""

from __future__ import annotations

from pathlib import Path

from engine.domain import messages
from notifications.channels.base import Channel, Rendered
from notifications.channels.files import key_name, write_once


class LetterChannel(Channel):
    """Queues letters as PDF files in <data_dir>/letters/queue for printing."""

    name = messages.Channel.LETTER

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, message: Rendered) -> Path:
        return (
            self.directory / f"letter-{message.message_id}-{key_name(message.idempotency_key)}.pdf"
        )

    def send(self, message: Rendered) -> str:
        pdf = next(
            (a.content for a in message.attachments if a.mime_type == "application/pdf"), None
        )
        if pdf is None:
            raise ValueError("a letter needs its rendered PDF")
        path = self._path(message)
        write_once(path, pdf)
        return f"file:{path.name}"

    def find_sent(self, message: Rendered) -> str | None:
        path = self._path(message)
        return f"file:{path.name}" if path.exists() else None
