"""Claim due outbox rows, render, send, and record what the provider said (C4, E5).

Exactly once, as far as a provider lets us (docs/notifications.md):
1. A claim is a lease: one short transaction moves due rows to "sending" with a fresh
   token and ``lease_until`` (PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent workers
   take disjoint rows; SQLite: a guarded UPDATE that only one writer can win).
2. The provider call runs outside any transaction and carries the idempotency key.
   The texts are rendered with no transaction open (notifications.preparation): on
   SQLite a transaction holds the write lock, and a text may take its render's budget.
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from engine import clock
from engine.config import Settings
from engine.domain.messages import MessageStatus, SendOutcome
from engine.services.messaging import record_outcome, sent_recorder
from engine.services.unit_of_work import UnitOfWork
from notifications.channels.base import (
    Channel,
    LookupUnavailable,
    PermanentSendError,
    SendError,
    TransientSendError,
)
from notifications.preparation import Claim, Prepared, prepare_safely, render_claim

logger = logging.getLogger(__name__)

__all__ = ["Claim", "Prepared", "claim_due", "deliver", "render_claim", "retry_delay", "send_due"]

RETRY_CAP_SECONDS = 6 * 3600


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
    token = str(uuid.uuid4())
    with uow:
        skip_locked = uow.dialect == "postgresql"  # SQLite has no SKIP LOCKED
        due: dict[int, str] = dict(uow.outbox.due(now=now, limit=limit, skip_locked=skip_locked))
        taken = uow.outbox.take_leases(list(due), now=now, lease_until=lease_until, token=token)
        uow.commit()
    return [Claim(i, token, due[i] == MessageStatus.SENDING, now) for i in sorted(taken)]


RecordSent = Callable[[int, str, str | None], bool]


def deliver(
    uow: UnitOfWork,
    job: Prepared,
    channels: Mapping[str, Channel],
    settings: Settings,
    record_sent: RecordSent | None = None,
) -> str:
    """Send one prepared message and record the outcome; return what happened.

    ``record_sent`` (engine.services.messaging.status.sent_recorder) records a plain send cheaply.
    """
    rendered = job.rendered
    if rendered is None:
        return _record(
            uow, job, SendOutcome.FAILED, detail=job.error or "cannot render", settings=settings
        )
    channel = channels[rendered.channel]
    if job.claim.recovering:
        try:
            found = channel.find_sent(rendered)
        except LookupUnavailable as error:
            detail = f"outcome unknown: the worker stopped during the send ({error})"
            return _record(uow, job, SendOutcome.FAILED, detail=detail, settings=settings)
        if found is not None:
            return _record(uow, job, SendOutcome.RECOVERED, provider_id=found, settings=settings)
        if job.attempts > settings.outbox_max_attempts:  # each try died mid-send (#4)
            detail = f"gave up after {job.attempts - 1} attempts: the worker stopped each time"
            return _record(uow, job, SendOutcome.FAILED, detail=detail, settings=settings)
    try:
        provider_id = channel.send(rendered)
    except PermanentSendError as error:
        return _record(uow, job, SendOutcome.FAILED, detail=error.detail, settings=settings)
    except TransientSendError as error:
        return _record(uow, job, SendOutcome.RETRY, detail=error.detail, settings=settings)
    if record_sent is not None and not job.document_ids:
        sent = record_sent(job.claim.message_id, job.claim.token, provider_id)
        return SendOutcome.SENT if sent else SendOutcome.LOST
    return _record(uow, job, SendOutcome.SENT, provider_id=provider_id, settings=settings)


def _record(
    uow: UnitOfWork,
    job: Prepared,
    outcome: str,
    *,
    settings: Settings,
    provider_id: str | None = None,
    detail: str | None = None,
) -> str:
    result = record_outcome(
        uow,
        message_id=job.claim.message_id,
        token=job.claim.token,
        outcome=SendOutcome.SENT if outcome == SendOutcome.RECOVERED else outcome,
        provider_id=provider_id,
        detail=detail,
        max_attempts=settings.outbox_max_attempts,
        retry_at=lambda attempts: (
            clock.now() + retry_delay(attempts, settings.outbox_retry_base_seconds)
        ),
        attempts=job.attempts,
        document_ids=job.document_ids,
    )
    if result == SendOutcome.SENT and outcome == SendOutcome.RECOVERED:
        return SendOutcome.RECOVERED
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
        jobs = prepare_safely(uow, claims)
        report.skipped += len(claims) - len(jobs)
        with sent_recorder(uow) as record_sent:
            for job in jobs:
                outcome = _deliver_safely(uow, job, channels, settings, report, record_sent)
                _count(report, outcome)
    return report


def _deliver_safely(
    uow: UnitOfWork,
    job: Prepared,
    channels: Mapping[str, Channel],
    settings: Settings,
    report: DeliveryReport,
    record_sent: RecordSent,
) -> str:
    try:
        return deliver(uow, job, channels, settings, record_sent)
    except SendError as error:  # a channel raised outside its contract: retry later
        return _record(uow, job, SendOutcome.RETRY, detail=error.detail, settings=settings)
    except Exception as error:
        # One broken message must not stop the batch; its lease runs out and recovery
        # asks the channel before any second send, unless its attempts are spent: then
        # it is failed now, visibly, rather than left "sending" (issue 10 #4).
        message_id = job.claim.message_id
        logger.exception("message delivery crashed", extra={"message_id": message_id})
        report.errors.append(f"{message_id}: {type(error).__name__}")
        if job.attempts < settings.outbox_max_attempts:
            return SendOutcome.SKIPPED
        detail = f"gave up after {job.attempts} attempts: {type(error).__name__}: {error}"
        try:
            return _record(uow, job, SendOutcome.FAILED, detail=detail, settings=settings)
        except Exception:
            logger.exception("cannot record the failure", extra={"message_id": message_id})
            return SendOutcome.SKIPPED


_TALLY: dict[str, str] = {
    SendOutcome.SENT: "sent",
    SendOutcome.RECOVERED: "recovered",
    SendOutcome.RETRY: "retried",
    SendOutcome.FAILED: "failed",
}


def _count(report: DeliveryReport, outcome: str) -> None:
    name = _TALLY.get(outcome, "skipped")
    setattr(report, name, getattr(report, name) + 1)
