"""The company calendar's rows: the working week and the holidays."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, select

from engine.models.calendar import Holiday, WorkDay
from engine.repositories.base import Repository


class CalendarRepository(Repository[Holiday]):
    model = Holiday
    label = "holiday"

    def week(self) -> list[WorkDay]:
        """Return the saved working days (none saved: the default week applies)."""
        return list(self.session.scalars(select(WorkDay).order_by(WorkDay.weekday)))

    def replace_week(self, days: Iterable[WorkDay]) -> None:
        """Store ``days`` as the whole working week."""
        self.session.execute(delete(WorkDay))
        self.session.add_all(list(days))
        self.session.flush()

    def holidays(self, *, since: date | None = None) -> list[Holiday]:
        """Return the holidays by date, from ``since`` on when given."""
        stmt = select(Holiday).order_by(Holiday.day)
        if since is not None:
            stmt = stmt.where(Holiday.day >= since)
        return list(self.session.scalars(stmt))

    def holiday(self, day: date) -> Holiday | None:
        return self.session.get(Holiday, day)
