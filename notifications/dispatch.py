"""Deliver committed messages promptly: a nudge after every commit that wrote some.

enqueue_message marks the session (``session.info["outbox_new"]``); after that session
commits, a hook installed here wakes the deliverer:
- with a broker, it publishes one argument-less ``deliver_due`` task (never before the
  commit, so a worker cannot look for a row that is not there yet);
- without one (the embedded default, E8), it wakes one background thread of the serving
  process, which sends what is due. Not Celery's eager mode: that would send inside the
  request that committed (a slow provider would stall the user's click) and would not
  retry later; the thread also wakes every few seconds for retries that fall due.
A rolled-back transaction clears the mark, so it nudges nobody.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings
from engine.services.messaging import PENDING_MARK
from engine.services.unit_of_work import UnitOfWork
from notifications.celery_app import app as celery_app
from notifications.channels import channels_for
from notifications.outbox import send_due
from notifications.tasks import deliver_due

logger = logging.getLogger(__name__)


def install_commit_hook(session_factory: sessionmaker[Session], nudge: Callable[[], None]) -> None:
    """Call ``nudge`` after each commit of a session that staged outbox messages."""

    def after_commit(session: Session) -> None:
        if session.info.pop(PENDING_MARK, False):
            try:
                nudge()
            except Exception:  # the commit stands; the periodic sweep will deliver
                logger.exception("could not nudge the outbox deliverer")

    def after_rollback(session: Session) -> None:
        session.info.pop(PENDING_MARK, None)

    event.listen(session_factory, "after_commit", after_commit)
    event.listen(session_factory, "after_rollback", after_rollback)


class InProcessDispatcher:
    """One daemon thread that sends due messages when nudged and every ``interval``."""

    def __init__(
        self, session_factory: sessionmaker[Session], settings: Settings, interval: float = 5.0
    ) -> None:
        self._uow = UnitOfWork(session_factory)
        self._settings = settings
        self._channels = channels_for(settings)
        self._interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-dispatcher", daemon=True)

    def start(self) -> InProcessDispatcher:
        """Start the thread; return self."""
        self._thread.start()
        return self

    def wake(self) -> None:
        """Ask the thread to look for due messages now."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread after its current message."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._interval)
            self._wake.clear()
            try:
                report = send_due(self._uow, self._channels, self._settings)
            except Exception:  # keep serving; the next wake retries
                logger.exception("outbox dispatch pass failed")
                continue
            if report.handled:
                logger.info("outbox pass", extra={"sent": report.sent, "failed": report.failed})


class WakePipe:
    """Wake a dispatcher of another process: a pipe made before gunicorn forks.

    Every worker process's commit hook writes one byte; a thread of the master, where
    the one dispatcher runs, reads them and wakes it (web/server.py, docs/decisions.md).
    """

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)  # a full pipe already holds a pending wake

    def nudge(self) -> None:
        """Ask the dispatcher at the other end to look for due messages now."""
        try:
            os.write(self._write, b"!")
        except BlockingIOError:
            pass

    def forward_to(self, wake: Callable[[], None]) -> None:
        """Start a daemon thread that calls ``wake`` whenever a byte arrives."""

        def forward() -> None:
            while os.read(self._read, 512):
                wake()

        threading.Thread(target=forward, name="outbox-wake-pipe", daemon=True).start()


def celery_nudge(broker_url: str, queue: str) -> Callable[[], None]:
    """Return a function publishing one ``deliver_due`` task to ``queue`` on ``broker_url``."""

    def nudge() -> None:
        with celery_app.connection_for_write(broker_url) as connection:
            deliver_due.apply_async(queue=queue, connection=connection)

    return nudge


def start_dispatch(
    session_factory: sessionmaker[Session], settings: Settings
) -> InProcessDispatcher | None:
    """Wire prompt delivery for a serving process; return the thread when there is one."""
    if settings.broker_url:
        install_commit_hook(
            session_factory, celery_nudge(settings.broker_url, settings.celery_queue)
        )
        return None
    dispatcher = InProcessDispatcher(session_factory, settings).start()
    install_commit_hook(session_factory, dispatcher.wake)
    return dispatcher
