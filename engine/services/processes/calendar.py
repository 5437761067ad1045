"""The company calendar: read it, set the working week, add and remove holidays (issue 12 §6).

Steps' due times and escalations count working time over this calendar
(engine.domain.work_calendar); :func:`work_calendar` builds it inside a unit of work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time

from engine import clock
from engine.domain.bounds import check_text
from engine.domain.errors import NotFound, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.work_calendar import DEFAULT_HOURS, WEEK_ORDER, WEEKDAYS, WorkCalendar
from engine.models.calendar import Holiday, WorkDay
from engine.services.unit_of_work import AbstractUnitOfWork, UnitOfWork
from engine.services.users.access import load_actor, require

NAME_LENGTH = 120


@dataclass(frozen=True)
class WorkDayView:
    day: str  # "saturday"…
    opens: time | None  # None: a day off
    closes: time | None


@dataclass(frozen=True)
class HolidayView:
    date: date
    name: str


@dataclass(frozen=True)
class CalendarView:
    timezone: str
    week: list[WorkDayView]  # Saturday first
    holidays: list[HolidayView]


def get_calendar(uow: UnitOfWork, *, actor_id: int, since: date | None = None) -> CalendarView:
    """Return the week and the holidays (from ``since`` on); any signed-in user may read."""
    with uow:
        load_actor(uow, actor_id)
        return _view(uow, since)


def set_week(
    uow: UnitOfWork, *, actor_id: int, hours: Mapping[str, tuple[time, time] | None]
) -> CalendarView:
    """Store the working week: each weekday's (opens, closes), or None for a day off.

    Every weekday must be named once; needs manage_calendar.
    """
    week = _week_of(hours)
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, Perm.MANAGE_CALENDAR)
        before = _hours(uow)
        rows = (WorkDay(weekday=d, opens=o, closes=c) for d, (o, c) in week.items())
        uow.calendar.replace_week(rows)
        uow.audit.record(
            actor_id=actor.id,
            action="calendar.week",
            entity="calendar",
            details={"week": [_spell(before), _spell(week)]},
        )
        view = _view(uow, None)
        uow.commit()
        return view


def add_holiday(uow: UnitOfWork, *, actor_id: int, day: date, name: str) -> HolidayView:
    """Add a holiday; a date that is already one is refused naming ``date``."""
    name = check_text(name.strip(), field="name", maximum=NAME_LENGTH)
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, Perm.MANAGE_CALENDAR)
        if uow.calendar.holiday(day) is not None:
            raise ValidationFailed.single("date", f"{day.isoformat()} is already a holiday")
        uow.calendar.add(Holiday(day=day, name=name))
        uow.audit.record(
            actor_id=actor.id,
            action="calendar.holiday_add",
            entity="holiday",
            entity_id=day.isoformat(),
            details={"name": name},
        )
        uow.commit()
        return HolidayView(day, name)


def remove_holiday(uow: UnitOfWork, *, actor_id: int, day: date) -> None:
    """Make ``day`` a normal day again; NotFound when it is not a holiday."""
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, Perm.MANAGE_CALENDAR)
        holiday = uow.calendar.holiday(day)
        if holiday is None:
            raise NotFound(f"{day.isoformat()} is not a holiday")
        uow.calendar.delete(holiday)
        uow.audit.record(
            actor_id=actor.id,
            action="calendar.holiday_remove",
            entity="holiday",
            entity_id=day.isoformat(),
            details={"name": holiday.name},
        )
        uow.commit()


def work_calendar(uow: AbstractUnitOfWork) -> WorkCalendar:
    """Return the calendar steps count working time over (in an open unit of work)."""
    holidays = frozenset(h.day for h in uow.calendar.holidays())
    return WorkCalendar(hours=_hours(uow), zone=clock.business_zone(), holidays=holidays)


def _hours(uow: AbstractUnitOfWork) -> dict[int, tuple[time, time]]:
    saved = uow.calendar.week()
    if not saved:
        return dict(DEFAULT_HOURS)
    return {row.weekday: (row.opens, row.closes) for row in saved}


def _week_of(hours: Mapping[str, tuple[time, time] | None]) -> dict[int, tuple[time, time]]:
    """Check a week as typed (every weekday once) and return its working days."""
    errors: dict[str, str] = {}
    for name in hours:
        if name not in WEEKDAYS:
            errors[f"week.{name}"] = f"is not a weekday; weekdays are {', '.join(WEEKDAYS)}"
    for name in WEEKDAYS:
        if name not in hours:
            errors[f"week.{name}"] = "is missing: give its hours or mark it a day off"
    if errors:
        raise ValidationFailed(errors)
    week = {WEEKDAYS.index(n): span for n, span in hours.items() if span is not None}
    WorkCalendar(hours=week, zone=clock.business_zone())  # refuses an empty or backwards week
    return week


def _view(uow: UnitOfWork, since: date | None) -> CalendarView:
    hours = _hours(uow)
    week = [
        WorkDayView(WEEKDAYS[d], *(hours[d] if d in hours else (None, None))) for d in WEEK_ORDER
    ]
    holidays = [HolidayView(h.day, h.name) for h in uow.calendar.holidays(since=since)]
    return CalendarView(clock.business_zone().key, week, holidays)


def _spell(hours: Mapping[int, tuple[time, time]]) -> dict[str, str]:
    return {
        WEEKDAYS[d]: f"{o.isoformat('minutes')}-{c.isoformat('minutes')}"
        for d, (o, c) in sorted(hours.items())
    }
