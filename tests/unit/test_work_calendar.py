"""Working time over the company calendar (issue 12 §6): pure rules, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from engine.domain.errors import ValidationFailed
from engine.domain.work_calendar import (
    DEFAULT_HOURS,
    WEEKDAYS,
    WorkCalendar,
    parse_working_span,
    weekday_number,
)

TEHRAN = ZoneInfo("Asia/Tehran")
HOURS = timedelta(hours=1)


def tehran(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TEHRAN)


def calendar(**kwargs: object) -> WorkCalendar:
    hours = dict(DEFAULT_HOURS)
    hours[weekday_number("thursday")] = (time(8), time(12))  # a half day
    return WorkCalendar(hours=hours, zone=TEHRAN, **kwargs)  # type: ignore[arg-type]


def test_default_week_is_saturday_to_thursday_with_friday_off() -> None:
    assert sorted(WEEKDAYS[d] for d in DEFAULT_HOURS) == sorted(
        ["saturday", "sunday", "monday", "tuesday", "wednesday", "thursday"]
    )


def test_hours_within_one_day() -> None:
    start = tehran(2026, 12, 2, 9)  # a Wednesday
    assert calendar().add(start, 3 * HOURS) == tehran(2026, 12, 2, 12).astimezone(UTC)


def test_eight_hours_from_wednesday_afternoon_skip_the_half_thursday_and_friday() -> None:
    start = tehran(2026, 12, 2, 15)  # Wednesday 15:00: 1 h left that day
    # Wednesday 1 h + Thursday 4 h (08-12) + Saturday 3 h -> Saturday 11:00
    assert calendar().add(start, 8 * HOURS) == tehran(2026, 12, 5, 11).astimezone(UTC)


def test_before_opening_counts_from_the_opening_and_after_closing_from_the_next_day() -> None:
    cal = calendar()
    assert cal.add(tehran(2026, 12, 5, 6), 2 * HOURS) == tehran(2026, 12, 5, 10).astimezone(UTC)
    assert cal.add(tehran(2026, 12, 5, 20), 2 * HOURS) == tehran(2026, 12, 6, 10).astimezone(UTC)


def test_a_holiday_is_not_worked() -> None:
    holiday = date(2026, 12, 5)  # the Saturday
    cal = calendar(holidays=frozenset({holiday}))
    start = tehran(2026, 12, 3, 11)  # Thursday 11:00: 1 h left
    # Thursday 1 h, Friday off, Saturday holiday, Sunday 2 h -> Sunday 10:00
    assert cal.add(start, 3 * HOURS) == tehran(2026, 12, 6, 10).astimezone(UTC)


def test_zero_on_a_day_off_is_the_next_opening() -> None:
    friday = tehran(2026, 12, 4, 10)
    assert calendar().add(friday, timedelta(0)) == tehran(2026, 12, 5, 8).astimezone(UTC)


def test_between_counts_only_open_hours_and_is_signed() -> None:
    cal = calendar()
    start, end = tehran(2026, 12, 2, 15), tehran(2026, 12, 5, 11)
    assert cal.between(start, end) == 8 * HOURS
    assert cal.between(end, start) == -8 * HOURS
    assert cal.between(tehran(2026, 12, 4, 9), tehran(2026, 12, 4, 17)) == timedelta(0)


def test_naive_times_and_negative_spans_are_refused() -> None:
    with pytest.raises(ValueError):
        calendar().add(datetime(2026, 12, 2, 9), HOURS)
    with pytest.raises(ValueError):
        calendar().add(tehran(2026, 12, 2, 9), -HOURS)


def test_a_week_without_working_days_or_with_a_day_closing_before_it_opens_is_refused() -> None:
    with pytest.raises(ValidationFailed) as empty:
        WorkCalendar(hours={}, zone=TEHRAN)
    assert "week" in empty.value.fields
    with pytest.raises(ValidationFailed) as backwards:
        WorkCalendar(hours={0: (time(16), time(8))}, zone=TEHRAN)
    assert "week.monday" in backwards.value.fields


def test_a_span_past_the_bound_is_refused_not_walked() -> None:
    with pytest.raises(ValidationFailed) as error:
        calendar().add(tehran(2026, 12, 2, 9), timedelta(days=100_000))
    assert "duration" in error.value.fields


moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(TEHRAN)
)
spans = st.integers(min_value=0, max_value=200 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=200, deadline=None)
@given(start=moments, span=spans)
def test_adding_then_measuring_gives_back_the_span(start: datetime, span: timedelta) -> None:
    cal = calendar(holidays=frozenset({date(2026, 3, 21), date(2027, 3, 21)}))
    due = cal.add(start, span)
    assert due >= start
    assert cal.between(start, due) == span


@settings(max_examples=100, deadline=None)
@given(start=moments, first=spans, second=spans)
def test_adding_is_monotonic_and_additive(
    start: datetime, first: timedelta, second: timedelta
) -> None:
    cal = calendar()
    low, high = sorted((first, second))
    assert cal.add(start, low) <= cal.add(start, high)
    assert cal.add(cal.add(start, first), second) == cal.add(start, first + second)


@pytest.mark.parametrize(
    ("text", "hours"), [("PT8H", 8), ("PT1H30M", 1.5), ("pt45m", 0.75), (" PT24H ", 24)]
)
def test_a_working_span_is_hours_and_minutes(text: str, hours: float) -> None:
    assert parse_working_span(text) == timedelta(hours=hours)


@pytest.mark.parametrize("text", ["8h", "P1D", "PT", "PT0H", "PT0M", "PT10001H", "PT1.5H", ""])
def test_anything_else_is_not_a_working_span(text: str) -> None:
    with pytest.raises(ValueError):
        parse_working_span(text)
