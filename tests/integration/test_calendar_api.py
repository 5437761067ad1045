"""The working calendar through the API (issue 12 §6): week, holidays, rights, bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from engine.services.processes.calendar import work_calendar
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api

WEEK = "/api/v1/calendar/week"
HOLIDAYS = "/api/v1/calendar/holidays"


def _week(**changes: tuple[str, str] | None) -> dict[str, list[dict[str, object]]]:
    days = ["saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday"]
    hours: dict[str, tuple[str, str] | None] = {d: ("08:00", "16:00") for d in days}
    hours["friday"] = None
    hours.update(changes)
    return {
        "week": [
            {"day": d, "opens": h[0], "closes": h[1]} if h else {"day": d} for d, h in hours.items()
        ]
    }


def test_default_week_is_saturday_to_thursday_and_friday_is_off(api: Api) -> None:
    calendar = api.ok("GET", "/api/v1/calendar", as_="clerk")  # any signed-in user reads it
    week = {d["day"]: (d["opens"], d["closes"]) for d in calendar["week"]}
    assert calendar["week"][0]["day"] == "saturday"
    assert week["friday"] == (None, None)
    assert week["saturday"] == ("08:00", "16:00")
    assert calendar["holidays"] == []


def test_a_saved_week_and_holidays_change_the_working_time(api: Api, uow: UnitOfWork) -> None:
    api.ok("PUT", WEEK, _week(thursday=("08:00", "12:00")))
    api.ok("POST", HOLIDAYS, {"date": "۲۰۲۷-۰۳-۲۱", "name": "نوروز"}, status=201)

    calendar = api.ok("GET", "/api/v1/calendar?since=2027-01-01")
    assert calendar["holidays"] == [{"date": "2027-03-21", "name": "نوروز"}]
    thursday = next(d for d in calendar["week"] if d["day"] == "thursday")
    assert (thursday["opens"], thursday["closes"]) == ("08:00", "12:00")
    with uow:
        cal = work_calendar(uow)
    assert date(2027, 3, 21) in cal.holidays
    # Saturday 2027-03-20 15:00 Tehran (11:30 UTC): one hour that day, Sunday the holiday,
    # then Monday from 08:00: two hours end at Monday 09:00 Tehran (05:30 UTC).
    start = datetime(2027, 3, 20, 11, 30, tzinfo=UTC)
    assert cal.add(start, timedelta(hours=2)) == datetime(2027, 3, 22, 5, 30, tzinfo=UTC)


def test_holiday_removed_and_both_changes_audited(api: Api, uow: UnitOfWork) -> None:
    added = api.ok("POST", HOLIDAYS, {"date": "2027-03-20", "name": "ملی شدن صنعت نفت"}, status=201)
    assert added["date"] == "2027-03-20"
    assert api.call("DELETE", f"{HOLIDAYS}/2027-03-20").status_code == 204
    assert api.ok("GET", "/api/v1/calendar")["holidays"] == []
    assert api.call("DELETE", f"{HOLIDAYS}/2027-03-20").status_code == 404
    with uow:
        actions = [e.action for e in uow.audit.search(entity="holiday")]
    assert actions == ["calendar.holiday_remove", "calendar.holiday_add"]


def test_bad_input_names_the_field_and_keeps_what_was_there(api: Api) -> None:
    api.ok("PUT", WEEK, _week(thursday=("08:00", "12:00")))
    before = api.ok("GET", "/api/v1/calendar")

    backwards = api.call("PUT", WEEK, json=_week(monday=("16:00", "08:00")))
    assert backwards.status_code == 422
    assert "week.monday" in backwards.get_json()["errors"]
    missing = api.call("PUT", WEEK, json={"week": _week()["week"][:-1]})
    assert missing.status_code == 422 and "week.friday" in missing.get_json()["errors"]
    unknown = api.call("PUT", WEEK, json={"week": [*_week()["week"], {"day": "caturday"}]})
    assert unknown.status_code == 422 and "week.caturday" in unknown.get_json()["errors"]
    all_off = api.call("PUT", WEEK, json=_week(**dict.fromkeys(_days(), None)))
    assert all_off.status_code == 422 and "week" in all_off.get_json()["errors"]
    half = api.call("PUT", WEEK, json={"week": [{"day": "monday", "opens": "08:00"}]})
    assert half.status_code == 422

    api.ok("POST", HOLIDAYS, {"date": "2027-03-21"}, status=201)
    twice = api.call("POST", HOLIDAYS, json={"date": "2027-03-21"})
    assert twice.status_code == 422 and "date" in twice.get_json()["errors"]
    bad_date = api.call("POST", HOLIDAYS, json={"date": "2027-02-30"})
    assert bad_date.status_code == 422 and "date" in bad_date.get_json()["errors"]
    bad_path = api.call("DELETE", f"{HOLIDAYS}/not-a-date")
    assert bad_path.status_code == 422 and "date" in bad_path.get_json()["errors"]

    after = api.ok("GET", "/api/v1/calendar")
    assert after["week"] == before["week"]
    assert [h["date"] for h in after["holidays"]] == ["2027-03-21"]


def test_only_manage_calendar_changes_it(api: Api) -> None:
    assert api.call("PUT", WEEK, "clerk", json=_week()).status_code == 403
    assert api.call("POST", HOLIDAYS, "approver", json={"date": "2027-03-21"}).status_code == 403
    assert api.ok("GET", "/api/v1/calendar")["holidays"] == []


def _days() -> list[str]:
    return ["saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday"]
