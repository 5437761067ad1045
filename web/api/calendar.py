"""/api/v1/calendar: the working week and the holidays steps count working time over."""

from __future__ import annotations

from datetime import time
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validates_schema

from engine.domain.localize import parse_date
from engine.services.processes import add_holiday, get_calendar, remove_holiday, set_week
from web.api.fields import LocalDate, Text
from web.context import actor_id, new_uow, require_token

blp = Blueprint(
    "calendar",
    __name__,
    url_prefix="/api/v1/calendar",
    description="The company's working week and holidays (issue 12 §6)",
)
blp.before_request(require_token)


class WorkDayOut(Schema):
    day = Text()
    opens = fields.Time(format="%H:%M", allow_none=True)
    closes = fields.Time(format="%H:%M", allow_none=True)


class HolidayOut(Schema):
    date = LocalDate()
    name = Text()


class CalendarOut(Schema):
    timezone = Text()
    week = fields.List(fields.Nested(WorkDayOut))
    holidays = fields.List(fields.Nested(HolidayOut))


class CalendarQuery(Schema):
    since = LocalDate(load_default=None)


class WorkDayIn(Schema):
    day = Text(required=True, max_length=20)
    opens = fields.Time(load_default=None, allow_none=True)
    closes = fields.Time(load_default=None, allow_none=True)

    @validates_schema
    def _both_or_neither(self, data: dict[str, Any], **_: Any) -> None:
        if (data["opens"] is None) != (data["closes"] is None):
            missing = "closes" if data["closes"] is None else "opens"
            raise ValidationError("give both hours, or neither for a day off", missing)


class WeekIn(Schema):
    week = fields.List(fields.Nested(WorkDayIn), required=True)


class HolidayIn(Schema):
    date = LocalDate(required=True)
    name = Text(load_default="", max_length=120)


@blp.route("", methods=["GET"])
@blp.arguments(CalendarQuery, location="query")
@blp.response(200, CalendarOut)
def show(query: dict[str, Any]) -> Any:
    """The working week (Saturday first; a day off has no hours) and the holidays."""
    return get_calendar(new_uow(), actor_id=actor_id(), since=query["since"])


@blp.route("/week", methods=["PUT"])
@blp.arguments(WeekIn)
@blp.response(200, CalendarOut)
def put_week(body: dict[str, Any]) -> Any:
    """Replace the working week: all seven days, each with hours or none (manage_calendar)."""
    hours: dict[str, tuple[time, time] | None] = {}
    for entry in body["week"]:
        opens, closes = entry["opens"], entry["closes"]
        hours[entry["day"].strip().lower()] = (opens, closes) if opens is not None else None
    return set_week(new_uow(), actor_id=actor_id(), hours=hours)


@blp.route("/holidays", methods=["POST"])
@blp.arguments(HolidayIn)
@blp.response(201, HolidayOut)
def post_holiday(body: dict[str, Any]) -> Any:
    """Add a holiday (manage_calendar); a date that is one already is 422 on ``date``."""
    return add_holiday(new_uow(), actor_id=actor_id(), day=body["date"], name=body["name"])


@blp.route("/holidays/<day>", methods=["DELETE"])
@blp.response(204)
def delete_holiday(day: str) -> Any:
    """Make a holiday a normal day again (manage_calendar)."""
    day_typed = parse_date(day, field="date")  # ISO or Jalali, any digits: 422 otherwise
    remove_holiday(new_uow(), actor_id=actor_id(), day=day_typed)
    return ""
