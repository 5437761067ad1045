"""Wake process instances whose BPMN timers are due (ARCHITECTURE §5)."""

from __future__ import annotations

import logging

from engine import clock
from engine.services.operators import Operators
from engine.services.processes import restore_run, save_run
from engine.services.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)


def run_due_timers(uow: UnitOfWork, *, batch: int = 100) -> int:
    """Advance every instance whose next timer is due; return how many were advanced.

    Each instance is its own transaction; on PostgreSQL rows locked by another
    worker are skipped (FOR UPDATE SKIP LOCKED), so several workers can share the work.
    """
    advanced = 0
    while True:
        with uow:
            ids = uow.processes.due_timer_ids(clock.now(), limit=1)
            if not ids:
                return advanced
            instance = uow.processes.get_for_update(ids[0])
            run = restore_run(uow, instance, Operators(uow, actor_id=None).as_mapping())
            run.refresh_timers()
            save_run(uow, instance, run)
            uow.commit()
            advanced += 1
            logger.info("timers fired", extra={"instance_id": instance.id})
            if advanced >= batch:
                return advanced
