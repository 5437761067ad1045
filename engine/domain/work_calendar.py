"""Working time: the company's week, its hours per day and its holidays (issue 12 §6).

A step's due time and its escalation count working hours, not wall-clock hours: eight
working hours from Wednesday 15:00 in Tehran is Saturday 15:00 when Thursday closes at
noon and Friday is the weekend. Hours are wall-clock hours in the company's zone (an
eight-hour day is eight hours on the office clock, whatever the zone's offset does).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.domain.errors import ValidationFailed

# Weekday names as the API and settings spell them, in date.weekday() order.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The Iranian week, Saturday first, is how pages list it.
WEEK_ORDER = (5, 6, 0, 1, 2, 3, 4)
# Saturday to Thursday, 08:00-16:00; Friday is the weekend.
DEFAULT_HOURS: Mapping[int, tuple[time, time]] = {
    day: (time(8), time(16)) for day in WEEK_ORDER if WEEKDAYS[day] != "friday"
}
# A step's due time in working hours and minutes, as an ISO 8601 duration: PT8H, PT1H30M.
_SPAN = re.compile(r"PT(?:(\d{1,5})H)?(?:(\d{1,6})M)?\Z")
MAX_SPAN = timedelta(hours=10_000)
# A span longer than this many working days is refused: it is a mistake, and walking it
# day by day would be the cost of the mistake.
MAX_WORKING_DAYS = 3660


@dataclass(frozen=True)
class WorkCalendar:
    """Opening hours by weekday (``date.weekday()``) and the holidays, in one zone."""

    hours: Mapping[int, tuple[time, time]]
    zone: ZoneInfo
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        check_hours(self.hours)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.hours and day not in self.holidays

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """Return the moment ``duration`` of working time after ``start`` (in UTC).

        Time before opening counts from the opening; a start after closing or on a day
        off counts from the next working day's opening.
        """
        if duration < timedelta(0):
            raise ValueError("a working-time span cannot be negative")
        local = _aware(start).astimezone(self.zone)
        left, day, at = duration, local.date(), local.time()
        for _ in range(self._max_days(duration)):
            window = self._window(day, at)
            if window is not None:
                opens, closes = window
                if left <= closes - opens:
                    return _utc(opens + left, self.zone)
                left -= closes - opens
            day, at = day + timedelta(days=1), time(0)
        raise ValidationFailed.single("duration", "is longer than the calendar can count")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Return the working time from ``start`` to ``end`` (negative when end is earlier)."""
        if _aware(end) < _aware(start):
            return -self.between(end, start)
        first = _aware(start).astimezone(self.zone)
        last = _aware(end).astimezone(self.zone)
        total, day, at = timedelta(0), first.date(), first.time()
        while day <= last.date():
            window = self._window(day, at)
            if window is not None:
                opens, closes = window
                if day == last.date():
                    closes = min(closes, last.replace(tzinfo=None))
                total += max(closes - opens, timedelta(0))
            day, at = day + timedelta(days=1), time(0)
        return total

    def _window(self, day: date, after: time) -> tuple[datetime, datetime] | None:
        """Return the day's working window from ``after`` on (naive local), or None."""
        if not self.is_working_day(day):
            return None
        opens, closes = self.hours[day.weekday()]
        start = datetime.combine(day, max(opens, after))
        end = datetime.combine(day, closes)
        return (start, end) if start < end else None

    def _max_days(self, duration: timedelta) -> int:
        shortest = min(_length(*span) for span in self.hours.values())
        working_days = int(duration / shortest) + 1
        if working_days > MAX_WORKING_DAYS:
            raise ValidationFailed.single("duration", "is longer than the calendar can count")
        # Each working day may be preceded by days off and holidays: a generous bound.
        return (working_days + len(self.holidays) + 1) * 7


def check_hours(hours: Mapping[int, tuple[time, time]]) -> None:
    """Refuse a week with no working day or a day that closes before it opens."""
    if not hours:
        raise ValidationFailed.single("week", "at least one day must be a working day")
    errors = {
        f"week.{WEEKDAYS[day]}": ["closes before it opens"]
        for day, (opens, closes) in hours.items()
        if not opens < closes
    }
    if errors:
        raise ValidationFailed(errors)


def parse_working_span(text: str) -> timedelta:
    """Return the working time ``PT<h>H<m>M`` spells (ValueError when it spells none).

    Only hours and minutes: a "day" of working time would depend on which day it is.
    """
    found = _SPAN.match(text.strip().upper())
    if found is None or not any(found.groups()):
        raise ValueError("give working hours and minutes as an ISO 8601 duration: PT8H, PT1H30M")
    hours, minutes = (int(part or 0) for part in found.groups())
    span = timedelta(hours=hours, minutes=minutes)
    if not timedelta(0) < span <= MAX_SPAN:
        raise ValueError(f"must be more than nothing and at most {MAX_SPAN.days * 24:,} hours")
    return span


def weekday_number(name: str) -> int:
    """Return ``date.weekday()`` of an English weekday name (ValueError when unknown)."""
    return WEEKDAYS.index(name.strip().lower())


def _length(opens: time, closes: time) -> timedelta:
    day = date(2000, 1, 1)
    return datetime.combine(day, closes) - datetime.combine(day, opens)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("working time is counted from an aware datetime")
    return moment


def _utc(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone).astimezone(UTC)
