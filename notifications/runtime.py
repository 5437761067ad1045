"""Per-process handles of a worker: settings, engine, sessions and channels, made lazily.

Created on first use inside the process that uses them (a Celery child after the fork),
never inherited across a fork: a pooled database connection must not be shared.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine import configure
from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.services.unit_of_work import UnitOfWork
from notifications.channels import channels_for
from notifications.channels.base import Channel


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    channels: dict[str, Channel]
    pid: int

    def uow(self) -> UnitOfWork:
        """Return a new unit of work on this process's engine."""
        return UnitOfWork(self.session_factory)


@lru_cache(maxsize=1)
def _build(pid: int) -> Runtime:
    settings = Settings.from_env()
    configure.apply(settings)
    engine = make_engine(settings.database_url)
    return Runtime(settings, engine, make_session_factory(engine), channels_for(settings), pid)


def runtime() -> Runtime:
    """Return this process's runtime, building it on first use (per process id)."""
    return _build(os.getpid())
