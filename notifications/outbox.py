"""Claim due outbox rows, render, send, and record what the provider said (C4, E5).

Exactly once, as far as a provider lets us (docs/notifications.md):
1. A claim is a lease: one short transaction moves due rows to "sending" with a fresh
   token and ``lease_until`` (PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent workers
   take disjoint rows; SQLite: a guarded UPDATE that only one writer can win).
2. The provider call runs outside any transaction and carries the idempotency key.
3. One transaction per message records the result, only if the claim still holds it.
A worker that dies between 2 and 3 leaves a "sending" row whose lease runs out; whoever
claims it next first asks the channel whether the key already went out
(``find_sent``) and records that instead of sending again. When the channel cannot
answer, the message is failed as "outcome unknown" for a person to decide: we prefer a
visible gap to a duplicate.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from engine import clock
from engine.config import Settings
from engine.models.outbox import OutboxMessage
from engine.services.outbox import record_outcome
from engine.services.unit_of_work import UnitOfWork
from notifications.channels.base import (
    Attachment,
    Channel,
    LookupUnavailable,
    PermanentSendError,
    Rendered,
    SendError,
    TransientSendError,
)
from notifications.papers import invoice_pdf, letter_pdf, load_invoices
from notifications.rendering import RenderError, render_text

logger = logging.getLogger(__name__)

RETRY_CAP_SECONDS = 6 * 3600


@dataclass(frozen=True)
class Claim:
    """A leased message: only the holder of ``token`` may record its outcome."""

    message_id: int
    token: str
    recovering: bool  # the previous holder died mid-send
    claimed_at: datetime


@dataclass
class DeliveryReport:
    """What one pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    recovered: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        """Return how many claimed messages reached an outcome."""
        return self.sent + self.retried + self.failed + self.recovered


def retry_delay(attempts: int, base_seconds: int, *, jitter: float | None = None) -> timedelta:
    """Return the wait before try ``attempts + 1``: base * 2^(attempts-1), capped, jittered."""
    exponent = max(attempts - 1, 0)
    seconds = min(base_seconds * (2**exponent), RETRY_CAP_SECONDS)
    spread = random.uniform(0.8, 1.2) if jitter is None else jitter  # noqa: S311 (not crypto)
    return timedelta(seconds=seconds * spread)


def claim_due(uow: UnitOfWork, *, limit: int, lease_seconds: int) -> list[Claim]:
    """Lease up to ``limit`` due messages to this caller and commit the lease."""
    now = clock.now()
    lease_until = now + timedelta(seconds=lease_seconds)
    claims = []
    with uow:
        skip_locked = uow.session.get_bind().dialect.name == "postgresql"
        for message_id, status in uow.outbox.due(now=now, limit=limit, skip_locked=skip_locked):
            token = str(uuid.uuid4())
            if uow.outbox.take_lease(message_id, now=now, lease_until=lease_until, token=token):
                claims.append(Claim(message_id, token, status == "sending", now))
        uow.commit()
    return claims


def render_claim(uow: UnitOfWork, claim: Claim) -> Rendered | None:
    """Return the message rendered for its channel, or None if the claim was lost.

    Raises RenderError for a template that cannot render (a permanent failure).
    """
    with uow:
        message = uow.outbox.find(claim.message_id)
        if message is None or message.claim_token != claim.token:
            return None
        text = render_text(
            channel=message.channel,
            locale=message.locale,
            context=message.context,
            template=message.template,
            subject_source=message.subject_source,
            body_source=message.body_source,
        )
        attachments = _attachments(uow, message, text)
        return Rendered(
            message_id=message.id,
            idempotency_key=message.idempotency_key,
            channel=message.channel,
            recipient=message.recipient,
            locale=message.locale,
            subject=text.subject,
            text=text.text,
            html=text.html,
            attachments=attachments,
            claimed_at=claim.claimed_at,
        )


def _attachments(uow: UnitOfWork, message: OutboxMessage, text: object) -> tuple[Attachment, ...]:
    wanted = message.document_ids if message.attach_documents else []
    papers = load_invoices(uow, wanted, message.locale) if wanted else []
    if message.channel == "letter":
        context: Mapping[str, object] = message.context
        letter = letter_pdf(
            text,  # type: ignore[arg-type]
            locale=message.locale,
            recipient=str(context.get("customer") or message.recipient),
            address=str(context.get("address") or ""),
            today=clock.business_today(),
            invoices=papers,
        )
        return (letter,)
    if message.channel == "email":
        return tuple(invoice_pdf(paper, message.locale) for paper in papers)
    return ()


def deliver_claim(
    uow: UnitOfWork, claim: Claim, channels: Mapping[str, Channel], settings: Settings
) -> str:
    """Send one claimed message and record the outcome; return sent|retry|failed|lost."""
    try:
        rendered = render_claim(uow, claim)
    except RenderError as error:
        return _record(uow, claim, "failed", detail=str(error), settings=settings)
    if rendered is None:
        return "lost"
    channel = channels[rendered.channel]
    if claim.recovering:
        try:
            found = channel.find_sent(rendered)
        except LookupUnavailable as error:
            detail = f"outcome unknown: the worker stopped during the send ({error})"
            return _record(uow, claim, "failed", detail=detail, settings=settings)
        if found is not None:
            return _record(uow, claim, "recovered", provider_id=found, settings=settings)
    try:
        provider_id = channel.send(rendered)
    except PermanentSendError as error:
        return _record(uow, claim, "failed", detail=error.detail, settings=settings)
    except TransientSendError as error:
        return _record(uow, claim, "retry", detail=error.detail, settings=settings)
    return _record(uow, claim, "sent", provider_id=provider_id, settings=settings)


def _record(
    uow: UnitOfWork,
    claim: Claim,
    outcome: str,
    *,
    settings: Settings,
    provider_id: str | None = None,
    detail: str | None = None,
) -> str:
    result = record_outcome(
        uow,
        message_id=claim.message_id,
        token=claim.token,
        outcome="sent" if outcome == "recovered" else outcome,
        provider_id=provider_id,
        detail=detail,
        max_attempts=settings.outbox_max_attempts,
        retry_at=lambda attempts: (
            clock.now() + retry_delay(attempts, settings.outbox_retry_base_seconds)
        ),
    )
    if result == "sent" and outcome == "recovered":
        return "recovered"
    return result


def send_due(
    uow: UnitOfWork,
    channels: Mapping[str, Channel],
    settings: Settings,
    *,
    batch: int = 50,
    max_batches: int | None = None,
) -> DeliveryReport:
    """Deliver due messages batch by batch until none is due (or ``max_batches``)."""
    report = DeliveryReport()
    batches = 0
    while max_batches is None or batches < max_batches:
        claims = claim_due(uow, limit=batch, lease_seconds=settings.outbox_lease_seconds)
        if not claims:
            break
        batches += 1
        for claim in claims:
            outcome = _deliver_safely(uow, claim, channels, settings, report)
            _count(report, outcome)
    return report


def _deliver_safely(
    uow: UnitOfWork,
    claim: Claim,
    channels: Mapping[str, Channel],
    settings: Settings,
    report: DeliveryReport,
) -> str:
    try:
        return deliver_claim(uow, claim, channels, settings)
    except SendError as error:  # a channel raised outside its contract: retry later
        return _record(uow, claim, "retry", detail=error.detail, settings=settings)
    except Exception as error:
        # One broken message must not stop the batch; its lease runs out and recovery
        # asks the channel before any second send.
        logger.exception("message delivery crashed", extra={"message_id": claim.message_id})
        report.errors.append(f"{claim.message_id}: {type(error).__name__}")
        return "skipped"


def _count(report: DeliveryReport, outcome: str) -> None:
    if outcome == "sent":
        report.sent += 1
    elif outcome == "recovered":
        report.recovered += 1
    elif outcome == "retry":
        report.retried += 1
    elif outcome == "failed":
        report.failed += 1
    else:
        report.skipped += 1
