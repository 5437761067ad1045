"""/admin/calendar in the Persian UI: the week and the holidays (issue 12 §6)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.integration.conftest import Api
from tests.integration.test_ui_flow import UiClient

DAYS = ["saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday"]


@pytest.fixture
def ui(app: Flask) -> Any:
    return lambda username: UiClient(app, username)


def _week(**hours: tuple[str, str] | None) -> dict[str, Any]:
    form: dict[str, Any] = {"day": DAYS}
    for day in DAYS:
        span = hours.get(day, ("08:00", "16:00") if day != "friday" else None)
        if span is not None:
            form |= {f"{day}.works": "1", f"{day}.opens": span[0], f"{day}.closes": span[1]}
    return form


def test_admin_sets_a_half_thursday_and_a_jalali_holiday(ui: Any, api: Api) -> None:
    admin = ui("admin")
    page = admin.get("/admin/calendar").get_data(as_text=True)
    assert "شنبه" in page and "۰۸:۰۰" not in page  # times stay Latin in time inputs

    admin.post("/admin/calendar/week", _week(thursday=("08:00", "12:00")), status=302)
    admin.post("/admin/calendar/holidays", {"date": "۱۴۰۶/۰۱/۰۱", "name": "نوروز"}, status=302)

    calendar = api.ok("GET", "/api/v1/calendar")
    thursday = next(d for d in calendar["week"] if d["day"] == "thursday")
    assert (thursday["opens"], thursday["closes"]) == ("08:00", "12:00")
    assert calendar["holidays"] == [{"date": "2027-03-21", "name": "نوروز"}]
    page = admin.get("/admin/calendar").get_data(as_text=True)
    assert "۱۴۰۶" in page and "نوروز" in page  # the date shown in Jalali, Persian digits

    admin.post("/admin/calendar/holidays/2027-03-21/delete", {}, status=302)
    assert api.ok("GET", "/api/v1/calendar")["holidays"] == []


def test_bad_hours_name_the_day_and_change_nothing(ui: Any, api: Api) -> None:
    admin = ui("admin")
    before = api.ok("GET", "/api/v1/calendar")["week"]

    backwards = admin.post("/admin/calendar/week", _week(monday=("17:00", "09:00")))
    assert backwards.status_code == 422
    not_a_time = admin.post("/admin/calendar/week", _week(sunday=("8am", "16:00")))
    assert not_a_time.status_code == 422
    bad_date = admin.post("/admin/calendar/holidays", {"date": "1406/13/01"})
    assert bad_date.status_code == 422

    assert api.ok("GET", "/api/v1/calendar")["week"] == before
    assert api.ok("GET", "/api/v1/calendar")["holidays"] == []
