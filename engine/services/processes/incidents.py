"""Incidents: background workflow steps that failed, kept aside until retried (issue 11 §3).

A background step (the timer pass) runs each instance in a savepoint. When it raises
(an operator, an expression, anything), the savepoint is rolled back, so the instance
keeps the state it had before the step, and the instance is marked ``incident`` with
the error, the time and the failing element, in the same transaction and under the
same row lock. The timer pass only picks ``running`` instances, so an incident is
not tried again and never blocks the instances behind it. :func:`retry_instance`
runs the step again: success resumes the instance (``store_run`` clears the incident),
failure records the new error and answers InvalidState (409) with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from engine import clock
from engine.domain.errors import CartableError, InvalidState, ValidationFailed
from engine.domain.permissions import Perm
from engine.models.workflow import ProcessInstance
from engine.services.documents.views import (
    IncidentView,
    InstanceView,
    check_instance_visible,
    get_instance,
    incident_of,
)
from engine.services.processes._operators import operator_run
from engine.services.processes._runs import restore_run, save_run
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import can_view, load_actor, require
from engine.workflow import WorkflowRun

logger = logging.getLogger(__name__)

INCIDENT = "incident"
STATUSES = ("running", "completed", "cancelled", INCIDENT)
# Who may retry an incident: those who deploy and run the processes (admins hold it too).
RETRY_PERMISSION = Perm.DESIGN_PROCESSES
MAX_ERROR = 2000


@dataclass(frozen=True)
class Failure:
    """What a failed step leaves on its instance."""

    error: str
    element_id: str | None


class StepFailed(Exception):
    """A background step raised; ``failure`` says what and where (the cause is chained)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.error)
        self.failure = failure


def step_in_savepoint(uow: UnitOfWork, instance: ProcessInstance) -> None:
    """Fire the instance's due timers and run it to its next wait, in a savepoint.

    Raises StepFailed (the savepoint rolled back, the instance as it was) if anything
    in the step raises.
    """
    run: WorkflowRun | None = None
    try:
        with uow.savepoint():
            with operator_run(uow, actor_id=None) as context:  # effects run in the savepoint
                run = restore_run(uow, instance, context.operators)
                run.refresh_timers()
                save_run(uow, instance, run)
            uow.flush()  # every write of the step fails here, inside the savepoint
    except Exception as exc:
        raise StepFailed(_failure(exc, run)) from exc


def open_incident(instance: ProcessInstance, failure: Failure) -> None:
    """Mark the (locked) instance as an incident with this failure."""
    now = clock.now()
    instance.status = INCIDENT
    instance.incident_error = failure.error
    instance.incident_element_id = failure.element_id
    instance.incident_at = now
    instance.updated_at = now


def retry_instance(uow: UnitOfWork, *, instance_id: int, actor_id: int) -> InstanceView:
    """Run an incident's failed step again; return the instance as it is then.

    On success the instance goes on (running or completed) and the incident is cleared.
    On failure the incident keeps the new error and time, and InvalidState (409) is
    raised with it. Either way one audit row ``process.retry`` records the outcome.
    Raises PermissionDenied without RETRY_PERMISSION, NotFound for an instance the
    actor may not see, InvalidState for an instance that is not an incident.
    """
    failed: StepFailed | None = None
    with uow:
        require(load_actor(uow, actor_id), RETRY_PERMISSION)
        check_instance_visible(uow, instance_id=instance_id, actor_id=actor_id)
        instance = uow.processes.get_for_update(instance_id)
        if instance.status != INCIDENT:
            raise InvalidState(
                f"process instance {instance_id} has no incident to retry",
                details={"status": instance.status},
            )
        previous = instance.incident_error
        try:
            step_in_savepoint(uow, instance)
        except StepFailed as error:
            failed = error
            open_incident(instance, error.failure)
        uow.audit.record(
            actor_id=actor_id,
            action="process.retry",
            entity="process_instance",
            entity_id=instance_id,
            details={
                "outcome": "failed" if failed else "resumed",
                "previous_error": previous,
                **({"error": failed.failure.error} if failed else {"status": instance.status}),
            },
        )
        uow.commit()
    if failed is not None:
        logger.warning(
            "incident retry failed",
            extra={"instance_id": instance_id, "error": failed.failure.error},
        )
        raise InvalidState(
            f"the retry failed: {failed.failure.error}",
            details={"element_id": failed.failure.element_id, "error": failed.failure.error},
        ) from failed
    logger.info("incident resolved", extra={"instance_id": instance_id})
    return get_instance(uow, instance_id=instance_id)


@dataclass(frozen=True)
class IncidentRow:
    """One instance of a status list (the open incidents, for admins)."""

    id: int
    process_id: str
    status: str
    document_id: int | None
    updated_at: datetime
    incident: IncidentView | None


def list_instances(
    uow: UnitOfWork, *, actor_id: int, status: str, limit: int = 50, offset: int = 0
) -> list[IncidentRow]:
    """Return instances in ``status`` the actor may see, oldest change first.

    Needs RETRY_PERMISSION (the list is where incidents are found); raises
    ValidationFailed naming ``status`` for an unknown status.
    """
    if status not in STATUSES:
        raise ValidationFailed.single("status", f"must be one of: {', '.join(STATUSES)}")
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, RETRY_PERMISSION)
        rows = uow.processes.with_status(status, limit=min(limit, 500), offset=offset)
        return [
            IncidentRow(
                row.id,
                row.process_id,
                row.status,
                row.document_id,
                row.updated_at,
                incident_of(row),
            )
            for row in rows
            if row.document_id is None or can_view(uow, actor, uow.documents.get(row.document_id))
        ]


def _failure(exc: BaseException, run: WorkflowRun | None) -> Failure:
    """Describe what failed: the error's message and, when known, the BPMN element."""
    element_id: str | None = None
    if isinstance(exc, CartableError):
        message = exc.message
        found = exc.details.get("element_id")
        element_id = found if isinstance(found, str) else None
    else:
        message = f"{type(exc).__name__}: {exc}"
    if element_id is None and run is not None:
        failed = run.failed_element_ids()
        element_id = failed[0] if failed else None
    return Failure(message[:MAX_ERROR], element_id)
