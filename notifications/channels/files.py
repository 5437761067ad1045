"""File sinks for the embedded default: email and SMS written under CARTABLE_DATA_DIR.

A file is written to a temporary name and renamed into place, so a file under its final
name means the send completed; the name derives from the idempotency key, so a second
send of the same message overwrites nothing and a look-up after a crash is exact.
"""

from __future__ import annotations

import hashlib
import json
import os
from email.message import EmailMessage
from pathlib import Path

from engine.domain import messages
from engine.domain.replies import ReplyAddresses
from notifications.channels.base import Channel, Rendered, TransientSendError


def key_name(idempotency_key: str) -> str:
    """Return a file-system-safe name for a message key."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]


def write_once(path: Path, content: bytes) -> bool:
    """Write ``content`` at ``path`` atomically unless it exists; True if written now."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
    try:
        tmp.write_bytes(content)
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise TransientSendError(f"cannot write {path.name}: {error.strerror}") from error
    return True


def email_message(
    message: Rendered, sender: str, replies: ReplyAddresses | None = None
) -> EmailMessage:
    """Return the RFC 5322 message for a rendered email (shared with the SMTP channel).

    With ``replies``, an email about documents gets the Reply-To that files answers
    with them (F1, F7).
    """
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.recipient
    reply_to = replies.reply_to(message.message_id, message.document_ids) if replies else None
    if reply_to:
        mail["Reply-To"] = reply_to
    mail["Subject"] = message.subject
    mail["Message-ID"] = f"<{key_name(message.idempotency_key)}@cartable>"
    mail["X-Cartable-Key"] = message.idempotency_key
    mail.set_content(message.text)
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    for item in message.attachments:
        maintype, _, subtype = item.mime_type.partition("/")
        mail.add_attachment(
            item.content, maintype=maintype, subtype=subtype, filename=item.filename
        )
    return mail


class FileEmailChannel(Channel):
    """Writes each email as an .eml file under <data_dir>/outbox/email."""

    name = messages.Channel.EMAIL

    def __init__(self, directory: Path, sender: str, replies: ReplyAddresses | None = None) -> None:
        self.directory = directory
        self.sender = sender
        self.replies = replies

    def _path(self, message: Rendered) -> Path:
        return self.directory / f"{key_name(message.idempotency_key)}.eml"

    def send(self, message: Rendered) -> str:
        path = self._path(message)
        write_once(path, bytes(email_message(message, self.sender, self.replies)))
        return f"file:{path.name}"

    def find_sent(self, message: Rendered) -> str | None:
        path = self._path(message)
        return f"file:{path.name}" if path.exists() else None


class FileSmsChannel(Channel):
    """Writes each SMS as a JSON file under <data_dir>/outbox/sms."""

    name = messages.Channel.SMS

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, message: Rendered) -> Path:
        return self.directory / f"{key_name(message.idempotency_key)}.json"

    def send(self, message: Rendered) -> str:
        path = self._path(message)
        record = {"to": message.recipient, "body": message.text, "key": message.idempotency_key}
        write_once(path, json.dumps(record, ensure_ascii=False).encode())
        return f"file:{path.name}"

    def find_sent(self, message: Rendered) -> str | None:
        path = self._path(message)
        return f"file:{path.name}" if path.exists() else None
