"""Whether this process can serve, and what is waiting in it (issue 17 §2).

Readiness checks the database (it answers, its schema is the code's newest) and, when
one is configured, the broker. The figures are what an operator graphs: open tasks by
cartable, the outbox by status and the age of its oldest waiting message, and how late
the oldest due timer is. Both are for probes and scrapers, so each check names what
failed without the error's text (a connection error may carry a host or a user).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kombu.connection import Connection
from sqlalchemy.exc import SQLAlchemyError

from engine import clock
from engine.domain.messages import WAITING
from engine.migrate import head_revisions
from engine.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Check:
    """One dependency: ``ok`` or not, and a short reason for a person."""

    ok: bool
    detail: str


@dataclass(frozen=True)
class Readiness:
    """Every check by name (database, migrations, broker); ready when all pass."""

    checks: dict[str, Check] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks.values())


@dataclass(frozen=True)
class Figures:
    """What is waiting now (gauges for /metrics)."""

    open_tasks: dict[str, int]
    messages: dict[str, int]
    queue_depth: int
    oldest_waiting_seconds: float
    timer_lag_seconds: float


def readiness(uow: UnitOfWork, *, broker_url: str | None, timeout: float = 2.0) -> Readiness:
    """Check the database, its migrations and (when configured) the broker."""
    checks: dict[str, Check] = {}
    try:
        with uow:
            uow.operations.ping()
            revisions = uow.operations.schema_revisions()
    except SQLAlchemyError as error:
        checks["database"] = Check(False, f"does not answer ({type(error).__name__})")
    else:
        checks["database"] = Check(True, "answers")
        heads = head_revisions()
        checks["migrations"] = (
            Check(True, "current")
            if revisions == heads
            else Check(False, f"database at {_names(revisions)}, code at {_names(heads)}")
        )
    if broker_url:
        checks["broker"] = _broker(broker_url, timeout)
    return Readiness(checks)


def operational_figures(uow: UnitOfWork) -> Figures:
    """Return the open tasks, the outbox and the timer lag as they are now."""
    now = clock.now()
    with uow:
        messages = uow.operations.messages_by_status()
        oldest_message = uow.operations.oldest_waiting_message()
        oldest_timer = uow.operations.oldest_due_timer(now)
        return Figures(
            open_tasks=uow.operations.open_tasks_by_lane(),
            messages=messages,
            queue_depth=sum(messages.get(status, 0) for status in WAITING),
            oldest_waiting_seconds=_seconds_since(oldest_message, now),
            timer_lag_seconds=_seconds_since(oldest_timer, now),
        )


def _broker(url: str, timeout: float) -> Check:
    try:
        with Connection(url, connect_timeout=timeout) as connection:  # type: ignore[no-untyped-call]
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
    except Exception as error:  # any transport's failure means "not ready"
        return Check(False, f"unreachable ({type(error).__name__})")
    return Check(True, "reachable")


def _names(revisions: set[str]) -> str:
    return ", ".join(sorted(revisions)) or "none"


def _seconds_since(moment: datetime | None, now: datetime) -> float:
    return 0.0 if moment is None else max(0.0, (now - moment).total_seconds())
