"""The instance cockpit: find instances, and cancel one with its document (issue 13 §4)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from engine import clock
from engine.domain.cancelling import CancelOutcome, cancel_outcome
from engine.domain.errors import InvalidState, NotFound, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.states import DocumentState, transition
from engine.models.workflow import ProcessInstance
from engine.repositories.cockpit import InstanceFilter as InstanceFilter
from engine.services.documents._posting import record_event
from engine.services.documents.commands import cancel_locked_document
from engine.services.documents.views import IncidentView, incident_of
from engine.services.processes._runs import cancel_instance
from engine.services.processes.incidents import INCIDENT, STATUSES
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import can_view, load_actor, require
from engine.workflow import NO_OPERATORS

logger = logging.getLogger(__name__)

LIVE = ("running", INCIDENT)  # what a cancel may stop
MAX_PAGE = 500


@dataclass(frozen=True)
class InstanceRow:
    """One line of the cockpit."""

    id: int
    process_id: str
    version: int
    status: str
    document_id: int | None
    created_at: datetime
    updated_at: datetime
    incident: IncidentView | None


@dataclass(frozen=True)
class InstancePage:
    rows: list[InstanceRow]
    total: int  # instances matching the filters (before the visibility check)


@dataclass(frozen=True)
class CancelPreview:
    """What cancelling an instance would do, shown before the confirmation."""

    instance_id: int
    document_id: int | None
    document_state: str | None
    outcome: CancelOutcome


def search_instances(uow: UnitOfWork, *, actor_id: int, query: InstanceFilter) -> InstancePage:
    """Return one page of instances matching ``query``, newest first.

    Instances of documents the actor may not see are left out (T3.11). Raises
    PermissionDenied without the design permission, ValidationFailed naming
    ``status``, ``limit`` or ``started_to`` for a bad filter.
    """
    if query.status is not None and query.status not in STATUSES:
        raise ValidationFailed.single("status", f"must be one of: {', '.join(STATUSES)}")
    if not 1 <= query.limit <= MAX_PAGE:
        raise ValidationFailed.single("limit", f"must be between 1 and {MAX_PAGE}")
    if query.started_from and query.started_to and query.started_to < query.started_from:
        raise ValidationFailed.single("started_to", "must not be before started_from")
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, Perm.DESIGN_PROCESSES)
        found, total = uow.cockpit.search(
            query, since=_day_start(query.started_from), before=_day_start(query.started_to, 1)
        )
        numbers = uow.cockpit.version_numbers({row.version_id for row in found})
        return InstancePage(
            [
                InstanceRow(
                    row.id,
                    row.process_id,
                    numbers[row.version_id],
                    row.status,
                    row.document_id,
                    row.created_at,
                    row.updated_at,
                    incident_of(row),
                )
                for row in found
                if row.document_id is None
                or can_view(uow, actor, uow.documents.get(row.document_id))
            ],
            total,
        )


def preview_cancel(uow: UnitOfWork, *, instance_id: int, actor_id: int) -> CancelPreview:
    """Return what cancelling the instance would do to its document.

    Raises PermissionDenied without the design permission, NotFound for an instance
    the actor may not see, InvalidState for one that is not running or an incident.
    """
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, Perm.DESIGN_PROCESSES)
        return _preview(uow, _visible(uow, actor_id, uow.processes.get(instance_id)))


def cancel_process_instance(
    uow: UnitOfWork, *, instance_id: int, actor_id: int, reason: str = ""
) -> CancelPreview:
    """Cancel a running (or incident) instance and apply its outcome to the document.

    The outcome is :func:`engine.domain.cancelling.cancel_outcome`'s; a cancelled
    document needs what the document's Cancel needs (the cancel permission for an
    approved one, nothing paid against it). Writes the audit row ``process.cancel``.
    Raises PermissionDenied, NotFound or InvalidState as :func:`preview_cancel`, and
    the document's Cancel errors.
    """
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, Perm.DESIGN_PROCESSES)
        instance = _visible(uow, actor_id, uow.processes.get_for_update(instance_id))
        preview = _preview(uow, instance)
        document = (
            uow.documents.get_for_update(preview.document_id) if preview.document_id else None
        )
        if preview.outcome is CancelOutcome.DOCUMENT_CANCELLED and document is not None:
            cancel_locked_document(uow, document, actor, reason or "process cancelled")
        if instance.status in LIVE:  # the document's Cancel stops only running ones
            cancel_instance(uow, instance, NO_OPERATORS)
        if preview.outcome is CancelOutcome.BACK_TO_DRAFT and document is not None:
            transition(document, DocumentState.DRAFT)
            comment = reason or None
            record_event(uow, document, "process_cancelled", actor_id=actor.id, comment=comment)
        instance.incident_error = instance.incident_at = instance.incident_element_id = None
        uow.audit.record(
            actor_id=actor.id,
            action="process.cancel",
            entity="process_instance",
            entity_id=instance.id,
            details={"outcome": preview.outcome.value, "document_id": preview.document_id},
        )
        uow.commit()
    logger.info("process instance cancelled", extra={"instance_id": instance_id})
    return preview


def _day_start(day: date | None, days_after: int = 0) -> datetime | None:
    """The instant a business day (plus ``days_after``) starts, in the business zone."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=days_after), time.min, clock.business_zone())


def _visible(uow: UnitOfWork, actor_id: int, instance: ProcessInstance) -> ProcessInstance:
    if instance.document_id is not None:
        actor = load_actor(uow, actor_id)
        if not can_view(uow, actor, uow.documents.get(instance.document_id)):
            raise NotFound(f"process instance {instance.id} not found")
    return instance


def _preview(uow: UnitOfWork, instance: ProcessInstance) -> CancelPreview:
    if instance.status not in LIVE:
        raise InvalidState(
            f"process instance {instance.id} is {instance.status}; only a running one is cancelled",
            details={"status": instance.status},
        )
    state = uow.documents.get(instance.document_id).state if instance.document_id else None
    return CancelPreview(instance.id, instance.document_id, state, cancel_outcome(state))
