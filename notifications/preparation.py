"""Render claimed messages for their channels: texts outside any transaction (C4, E5).

A text is rendered with no transaction open: on SQLite a transaction holds the database's
write lock, and a text a person wrote may take the render's whole budget
(engine.text_sandbox, issue 10 #3). Every exception while preparing one message is that
message's failure, stored with the reason; the others of the batch go on (issue 10 #4).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.models.outbox import OutboxMessage
from engine.services.unit_of_work import UnitOfWork
from notifications.channels.base import Rendered
from notifications.papers import attachments_for
from notifications.rendering import MessageText, RenderError, render_text

logger = logging.getLogger(__name__)

_SOURCE_FIELDS = ("channel", "locale", "context", "template", "subject_source", "body_source")


@dataclass(frozen=True)
class Claim:
    """A leased message: only the holder of ``token`` may record its outcome."""

    message_id: int
    token: str
    recovering: bool  # the previous holder died mid-send
    claimed_at: datetime


@dataclass(frozen=True)
class Prepared:
    """A claimed message rendered for its channel (or the reason it cannot be)."""

    claim: Claim
    rendered: Rendered | None
    error: str | None
    attempts: int
    document_ids: tuple[int, ...]


def prepare(uow: UnitOfWork, claims: list[Claim]) -> list[Prepared]:
    """Render a batch of claimed messages; lost claims are left out.

    One short read takes the texts' sources; they are rendered with no transaction open;
    a second transaction builds the files and stores the subjects while the claims hold.
    """
    with uow:
        sources = {
            m.id: {name: getattr(m, name) for name in _SOURCE_FIELDS}
            for m in _held(uow, claims).values()
        }
    texts = {message_id: _text(message_id, source) for message_id, source in sources.items()}
    prepared = []
    with uow:
        messages = _held(uow, [c for c in claims if c.message_id in texts])
        for claim in claims:
            message = messages.get(claim.message_id)
            if message is not None:
                prepared.append(_prepared(uow, message, claim, *texts[claim.message_id]))
        # The subject as the customer sees it, for lists and the message's history.
        uow.outbox.set_subjects(
            [
                (p.claim.message_id, p.claim.token, p.rendered.subject)
                for p in prepared
                if p.rendered
            ]
        )
        uow.commit()
    return prepared


def prepare_safely(uow: UnitOfWork, claims: list[Claim]) -> list[Prepared]:
    """Prepare the batch; if that fails as a whole, each claim alone.

    A claim that cannot be prepared even alone is returned unrendered, so it is failed
    with the reason rather than left "sending" for the next worker to trip on.
    """
    try:
        return prepare(uow, claims)
    except Exception:
        logger.exception("batch preparation failed; preparing one by one")
    jobs: list[Prepared] = []
    for claim in claims:
        try:
            jobs.extend(prepare(uow, [claim]))
        except Exception as error:
            jobs.append(Prepared(claim, None, _reason(error), 0, ()))
    return jobs


def render_claim(uow: UnitOfWork, claim: Claim) -> Rendered | None:
    """Return one claimed message rendered, or None if the claim was lost or it cannot be."""
    found = prepare(uow, [claim])
    return found[0].rendered if found else None


def _held(uow: UnitOfWork, claims: list[Claim]) -> dict[int, OutboxMessage]:
    tokens = {c.message_id: c.token for c in claims}
    return {m.id: m for m in uow.outbox.with_ids(list(tokens)) if m.claim_token == tokens.get(m.id)}


def _text(message_id: int, source: dict[str, Any]) -> tuple[MessageText | None, str | None]:
    try:
        return render_text(**source), None
    except RenderError as failure:
        return None, str(failure)
    except Exception as failure:  # render_text maps a text's errors; this is a bug
        logger.exception("cannot render message", extra={"message_id": message_id})
        return None, _reason(failure)


def _prepared(
    uow: UnitOfWork,
    message: OutboxMessage,
    claim: Claim,
    text: MessageText | None,
    error: str | None,
) -> Prepared:
    rendered = None
    if text is not None:
        try:
            rendered = _rendered(uow, message, claim, text)
        except RenderError as failure:
            error = str(failure)
        except Exception as failure:  # a missing file, a bug: this message's failure alone
            logger.exception("cannot prepare message", extra={"message_id": message.id})
            error = _reason(failure)
    return Prepared(claim, rendered, error, message.attempts, tuple(message.document_ids))


def _rendered(uow: UnitOfWork, message: OutboxMessage, claim: Claim, text: MessageText) -> Rendered:
    return Rendered(
        message_id=message.id,
        idempotency_key=message.idempotency_key,
        channel=message.channel,
        recipient=message.recipient,
        locale=message.locale,
        subject=text.subject,
        text=text.text,
        html=text.html,
        attachments=attachments_for(uow, message, text),
        document_ids=tuple(message.document_ids),
        claimed_at=claim.claimed_at,
    )


def _reason(error: BaseException) -> str:
    return f"cannot prepare the message: {type(error).__name__}: {error}"[:1000]
