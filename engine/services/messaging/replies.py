"""A customer's emailed reply to a message about documents joins their threads (F1, F7).

The inbound-email webhook finds the message a reply answers by its signed reply
address (engine.domain.replies); this records the reply in the history of each of
the message's documents and of the customer's follow-up, and forwards it to the
customer's responsible user. A redelivered reply (same Message-ID, or the same sender,
subject and text) records nothing twice.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from engine import clock
from engine.domain.messages import Channel
from engine.models.documents import Document
from engine.models.followups import FollowupEvent
from engine.models.outbox import LOCALES, OutboxMessage
from engine.models.users import User
from engine.services.documents._posting import record_event
from engine.services.messaging.outbox import enqueue_message
from engine.services.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)

TEXT_LIMIT = 4000
FORWARD_TEMPLATE = "reply_forward"
RECEIVED = "reply_received"


@dataclass(frozen=True)
class InboundReply:
    """An email answering one of our messages, as the provider handed it over."""

    message_id: int
    sender: str
    subject: str
    text: str
    provider_key: str = ""  # the email's Message-ID header, if it had one

    def key(self) -> str:
        """Return the reply's identity: its Message-ID, else a digest of what it says."""
        source = self.provider_key.strip() or "\n".join((self.sender, self.subject, self.text))
        digest = hashlib.sha256(source.encode()).hexdigest()[:24]
        return f"reply:{self.message_id}:{digest}"


@dataclass(frozen=True)
class ReplyOutcome:
    """What recording a reply did: recorded, or why nothing was written."""

    recorded: bool
    reason: str = ""
    document_ids: tuple[int, ...] = ()
    forward_id: int | None = None


def record_reply(uow: UnitOfWork, reply: InboundReply) -> ReplyOutcome:
    """Record a customer's reply on the message's documents and follow-up history.

    Writes one history line per document (action ``reply_received``), a follow-up
    event of kind ``reply`` for the customer, and an outbox email forwarding the reply
    to the customer's responsible user when that user has an email address. Nothing is
    written for an unknown message, a message about no document, or a reply already
    recorded (the message row is locked while checking, so redeliveries queue).
    """
    key = reply.key()
    with uow:
        message = uow.outbox.find(reply.message_id)
        if message is None:
            return ReplyOutcome(False, "unknown message")
        message = uow.outbox.get_for_update(message.id)
        documents = [d for i in message.document_ids if (d := uow.documents.find(i)) is not None]
        if not documents:
            return ReplyOutcome(False, "the message is about no document")
        if _already_recorded(uow, documents[0], key):
            return ReplyOutcome(False, "already recorded", tuple(d.id for d in documents))
        text = reply.text.strip()[:TEXT_LIMIT]
        subject = " ".join(reply.subject.split())[:300]
        for document in documents:
            record_event(
                uow,
                document,
                RECEIVED,
                actor_id=None,
                comment=text,
                sender=reply.sender[:254],
                subject=subject,
                message_id=message.id,
                reply_key=key,
            )
        contact_id = message.contact_id or documents[0].contact_id
        _followup_event(uow, contact_id, message, documents, reply.sender, subject, text)
        forward_id = _forward(uow, contact_id, documents, reply, subject, text, key)
        uow.commit()
        logger.info(
            "reply recorded",
            extra={"message_id": message.id, "document_ids": [d.id for d in documents]},
        )
        return ReplyOutcome(True, "", tuple(d.id for d in documents), forward_id)


def user_email(user: User) -> str | None:
    """Return the user's email address, else their username when that is one (older accounts)."""
    if user.email:
        return user.email
    name = user.username.strip()
    local, _, domain = name.rpartition("@")
    return name if local and "." in domain else None


def _already_recorded(uow: UnitOfWork, document: Document, key: str) -> bool:
    return any(
        e.action == RECEIVED and e.details.get("reply_key") == key
        for e in uow.documents.events(document.id)
    )


def _followup_event(
    uow: UnitOfWork,
    contact_id: int,
    message: OutboxMessage,
    documents: list[Document],
    sender: str,
    subject: str,
    text: str,
) -> None:
    """Add the reply to the customer's follow-up history (F7)."""
    uow.followups.record(
        FollowupEvent(
            contact_id=contact_id,
            at=clock.now(),
            on_date=clock.business_today(),
            actor_id=None,
            kind="reply",
            channel=Channel.EMAIL,
            recipient=sender[:254],
            message_id=message.id,
            document_ids=[d.id for d in documents],
            note=f"{subject}\n{text[:1000]}".strip(),
        )
    )


def _forward(
    uow: UnitOfWork,
    contact_id: int,
    documents: list[Document],
    reply: InboundReply,
    subject: str,
    text: str,
    key: str,
) -> int | None:
    """Queue the reply to the customer's responsible user, if that user has an address."""
    state = uow.followups.of_contact(contact_id)
    user = uow.users.find(state.responsible_id) if state and state.responsible_id else None
    address = user_email(user) if user is not None and user.is_active else None
    if user is None or address is None:
        return None
    contact = uow.contacts.get(contact_id)
    locale = user.locale if user.locale in LOCALES else "fa"
    comma = ", " if locale == "en" else "، "
    numbers = comma.join(d.number or f"#{d.id}" for d in documents)
    return enqueue_message(
        uow,
        channel=Channel.EMAIL,
        recipient=address,
        locale=locale,
        context={
            "user": user.full_name or user.username,
            "customer": contact.name,
            "numbers": numbers,
            "sender": reply.sender,
            "subject": subject,
            "text": text,
        },
        # No documents on the forward: it must carry no reply address of its own, or
        # the user's answer would be filed as the customer's.
        idempotency_key=f"{key}:forward",
        template=FORWARD_TEMPLATE,
        origin=f"reply:{reply.message_id}",
    )
