"""Wake process instances whose BPMN timers are due (ARCHITECTURE §5).

One instance whose step fails becomes an incident (engine.services.processes.incidents) and the
pass goes on with the next ones (issue 11 §3).
"""

from __future__ import annotations

import logging

from engine import clock
from engine.services.processes.incidents import StepFailed, open_incident, step_in_savepoint
from engine.services.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)


def run_due_timers(uow: UnitOfWork, *, batch: int = 100) -> int:
    """Advance every instance whose next timer is due; return how many were advanced.

    Each instance is its own transaction; on PostgreSQL rows locked by another
    worker are skipped (FOR UPDATE SKIP LOCKED), so several workers can share the work.
    An instance whose step raises is rolled back to where it was and marked as an
    incident in the same transaction (logged once, not counted); the pass goes on.
    At most ``batch`` instances are handled per call.
    """
    advanced = handled = 0
    while handled < batch:
        with uow:
            ids = uow.processes.due_timer_ids(clock.now(), limit=1)
            if not ids:
                break
            instance_id = ids[0]
            instance = uow.processes.get_for_update(instance_id)
            try:
                step_in_savepoint(uow, instance)
            except StepFailed as failed:
                open_incident(instance, failed.failure)
                uow.commit()
                logger.exception(
                    "timer step failed; the instance is now an incident",
                    extra={"instance_id": instance_id, "element_id": failed.failure.element_id},
                )
            else:
                uow.commit()
                advanced += 1
                logger.info("timers fired", extra={"instance_id": instance_id})
            handled += 1
    return advanced
