"""The company calendar: opening hours per weekday and the holidays (issue 12 §6)."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import CheckConstraint, Date, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base


class WorkDay(Base):
    """One working weekday (``date.weekday()``: Monday 0) and its opening hours.

    A weekday without a row is a day off. No rows at all means the default week
    (engine.domain.work_calendar.DEFAULT_HOURS) until someone saves one.
    """

    __tablename__ = "work_day"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_work_day_weekday"),
        CheckConstraint("opens < closes", name="ck_work_day_hours"),
    )

    weekday: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    opens: Mapped[time] = mapped_column(Time())
    closes: Mapped[time] = mapped_column(Time())


class Holiday(Base):
    """A date the company does not work, with its name (Nowruz, Tasua…)."""

    __tablename__ = "holiday"

    day: Mapped[date] = mapped_column(Date(), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
