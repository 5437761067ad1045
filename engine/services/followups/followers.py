"""Followers of a document and its thread: who gets the messages written on an invoice.

SPEC F1 ("add the customer as a follower of replies"): a follow-up level adds the
customer to each invoice of its message; people add or remove followers by hand and
write on the invoice's thread, which emails every following contact with an address
(replies come back through engine.services.messaging.replies). Like the followers of an
invoice's chatter in Odoo.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from engine import clock
from engine.domain.errors import NotFound, PermissionDenied, ValidationFailed
from engine.domain.messages import Channel, MessageStatus
from engine.domain.permissions import Perm
from engine.models.contacts import Contact
from engine.models.documents import Document
from engine.models.followers import DocumentFollower
from engine.models.outbox import LOCALES
from engine.models.users import User
from engine.services.documents._posting import record_event
from engine.services.messaging.outbox import enqueue_message
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import can_view, load_actor, require

logger = logging.getLogger(__name__)
_REQUEST_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")

THREAD_TEMPLATE = "thread_message"
BODY_LIMIT = 10000
SUBJECT_LIMIT = 200
# Who may write to a document's followers: those who deal with its customer.
_POSTERS = (Perm.MANAGE_CONTACTS, Perm.FOLLOW_UP)


@dataclass(frozen=True)
class FollowerView:
    """A contact following a document."""

    contact_id: int
    name: str
    email: str | None
    origin: str
    added_at: datetime


@dataclass(frozen=True)
class ThreadMessage:
    """An email a thread post queued for one follower."""

    id: int
    contact_id: int
    recipient: str
    locale: str
    status: str


@dataclass(frozen=True)
class FollowersPanel:
    """The invoice page's followers card: who follows, and what the viewer may do."""

    followers: tuple[FollowerView, ...]
    may_manage: bool
    may_post: bool
    candidates: tuple[tuple[int, str], ...] = ()  # (contact id, name) one may add
    # A fresh key for the page's post form: submitting it twice posts once.
    request_key: str = field(default_factory=lambda: uuid.uuid4().hex)


def add_followers(
    uow: UnitOfWork, *, document_ids: Iterable[int], contact_id: int, origin: str
) -> int:
    """Make the contact a follower of these documents in the caller's open unit of work.

    Idempotent: an existing follower stays as it is; the insert skips conflicts, so two
    transactions adding the same follower never fail. Returns how many are new.
    """
    rows = [(document_id, contact_id, origin) for document_id in document_ids]
    return uow.followers.add_many(rows, now=clock.now())


def list_followers(uow: UnitOfWork, *, document_id: int, actor_id: int) -> list[FollowerView]:
    """Return the document's followers; NotFound unless the actor may see the document."""
    with uow:
        _visible(uow, load_actor(uow, actor_id), document_id)
        return [_view(f, c) for f, c in uow.followers.of_document(document_id)]


def followers_panel(uow: UnitOfWork, *, document_id: int, actor_id: int) -> FollowersPanel:
    """Return the document's followers with the viewer's rights and the contacts to add.

    NotFound unless the actor may see the document.
    """
    with uow:
        actor = load_actor(uow, actor_id)
        _visible(uow, actor, document_id)
        followers = tuple(_view(f, c) for f, c in uow.followers.of_document(document_id))
        may_manage = Perm.MANAGE_CONTACTS in actor.permissions
        following = {f.contact_id for f in followers}
        candidates = (
            tuple((c.id, c.name) for c in uow.contacts.list(limit=500) if c.id not in following)
            if may_manage
            else ()
        )
        may_post = any(p in actor.permissions for p in _POSTERS)
        return FollowersPanel(followers, may_manage, may_post, candidates)


def follow_document(
    uow: UnitOfWork, *, document_id: int, contact_id: int, actor_id: int
) -> FollowerView:
    """Add a contact to the document's followers by hand (a line in its history).

    Needs manage_contacts (PermissionDenied). Raises NotFound for a document the actor
    may not see and ValidationFailed (``contact_id``) for an unknown contact.
    """
    with uow:
        actor = load_actor(uow, actor_id)
        document = _visible(uow, actor, document_id)
        require(actor, Perm.MANAGE_CONTACTS)
        contact = uow.contacts.find(contact_id)
        if contact is None:
            raise ValidationFailed.single("contact_id", f"unknown contact {contact_id}")
        if add_followers(uow, document_ids=[document_id], contact_id=contact_id, origin="manual"):
            record_event(uow, document, "follower_added", actor_id=actor_id, contact=contact.name)
        follower = uow.followers.find_pair(document_id, contact_id)
        assert follower is not None  # just inserted or already there, in this transaction
        view = _view(follower, contact)
        uow.commit()
        return view


def unfollow_document(uow: UnitOfWork, *, document_id: int, contact_id: int, actor_id: int) -> None:
    """Remove a contact from the document's followers (a line in its history).

    Needs manage_contacts (PermissionDenied); NotFound when the contact does not follow.
    """
    with uow:
        actor = load_actor(uow, actor_id)
        document = _visible(uow, actor, document_id)
        require(actor, Perm.MANAGE_CONTACTS)
        contact = uow.contacts.find(contact_id)
        if contact is None or not uow.followers.remove(document_id, contact_id):
            raise NotFound(f"contact {contact_id} does not follow document {document_id}")
        record_event(uow, document, "follower_removed", actor_id=actor_id, contact=contact.name)
        uow.commit()


def post_to_thread(
    uow: UnitOfWork,
    *,
    actor_id: int,
    document_id: int,
    body: str,
    subject: str | None = None,
    request_key: str | None = None,
) -> list[ThreadMessage]:
    """Write a message on the document's thread: a history line, one email per follower.

    Every following contact with an email address gets the message in its language,
    with a Reply-To that brings answers back to this document. Needs manage_contacts or
    follow_up (PermissionDenied). Raises NotFound for a document the actor may not see,
    ValidationFailed naming ``body`` (empty or too long), ``subject`` (too long) or
    ``followers`` (no follower has an email address) or ``request_key``. Stages outbox
    rows. ``request_key`` (the form's one-time key, an API client's Idempotency-Key)
    makes a repeated post, a double click or a retried request, return the messages of
    the first one and write nothing.
    """
    text, title = _checked_text(body, subject)
    if request_key is not None and not _REQUEST_KEY.fullmatch(request_key):
        raise ValidationFailed.single("request_key", "1 to 64 letters, digits, '-' or '_'")
    with uow:
        actor = load_actor(uow, actor_id)
        document = _visible(uow, actor, document_id)
        if not any(p in actor.permissions for p in _POSTERS):
            raise PermissionDenied("you may not write to this document's followers")
        recipients = [c for _, c in uow.followers.of_document(document_id) if _email(c)]
        if not recipients:
            raise ValidationFailed.single("followers", "no follower has an email address")
        post_key = request_key or uuid.uuid4().hex
        earlier = _earlier_post(uow, document_id, post_key, recipients)
        if earlier:
            return earlier
        queued = [_queue(uow, document, c, actor, text, title, post_key) for c in recipients]
        record_event(
            uow,
            document,
            "thread_message",
            actor_id=actor_id,
            comment=text,
            subject=title,
            recipients=[m.recipient for m in queued],
            message_ids=[m.id for m in queued],
        )
        uow.commit()
        logger.info(
            "thread message queued", extra={"document_id": document_id, "messages": len(queued)}
        )
        return queued


def _post_key_prefix(document_id: int, post_key: str) -> str:
    return f"thread:{document_id}:{post_key}:"


def _earlier_post(
    uow: UnitOfWork, document_id: int, post_key: str, recipients: Sequence[Contact]
) -> list[ThreadMessage]:
    """Return the messages an earlier post with this key queued (none: a new post)."""
    prefix = _post_key_prefix(document_id, post_key)
    ids = uow.outbox.ids_for_keys(f"{prefix}{c.id}" for c in recipients)
    rows = uow.outbox.with_ids(sorted(ids.values()))
    return [ThreadMessage(m.id, m.contact_id or 0, m.recipient, m.locale, m.status) for m in rows]


def _queue(
    uow: UnitOfWork,
    document: Document,
    contact: Contact,
    actor: User,
    text: str,
    subject: str | None,
    post_key: str,
) -> ThreadMessage:
    locale = contact.language if contact.language in LOCALES else "fa"
    recipient = _email(contact)
    message_id = enqueue_message(
        uow,
        channel=Channel.EMAIL,
        recipient=recipient,
        locale=locale,
        context={
            "customer": contact.name,
            "number": document.number or f"#{document.id}",
            "text": text,
            "subject": subject or "",
            "sender": actor.full_name or actor.username,
        },
        idempotency_key=f"{_post_key_prefix(document.id, post_key)}{contact.id}",
        template=THREAD_TEMPLATE,
        contact_id=contact.id,
        document_ids=[document.id],
        origin=f"thread:{document.id}",
    )
    return ThreadMessage(message_id, contact.id, recipient, locale, MessageStatus.QUEUED)


def _email(contact: Contact) -> str:
    return (contact.email or "").strip()


def _checked_text(body: str, subject: str | None) -> tuple[str, str | None]:
    text = (body or "").strip()
    title = " ".join((subject or "").split()) or None
    errors: dict[str, str] = {}
    if not text:
        errors["body"] = "write a message"
    elif len(text) > BODY_LIMIT:
        errors["body"] = f"at most {BODY_LIMIT} characters"
    if title is not None and len(title) > SUBJECT_LIMIT:
        errors["subject"] = f"at most {SUBJECT_LIMIT} characters"
    if errors:
        raise ValidationFailed(errors)
    return text, title


def _visible(uow: UnitOfWork, actor: User, document_id: int) -> Document:
    document = uow.documents.get(document_id)
    if not can_view(uow, actor, document):
        raise NotFound(f"document {document_id} not found")  # T3.11: no hint it exists
    return document


def _view(follower: DocumentFollower, contact: Contact) -> FollowerView:
    return FollowerView(
        contact_id=contact.id,
        name=contact.name,
        email=contact.email,
        origin=follower.origin,
        added_at=follower.added_at,
    )
