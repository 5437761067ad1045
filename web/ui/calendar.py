"""/admin/calendar: the working week and the holidays (issue 12 §6)."""

from __future__ import annotations

from datetime import time

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from engine import clock
from engine.domain.errors import ValidationFailed
from engine.domain.permissions import Perm
from engine.services.processes import add_holiday, get_calendar, remove_holiday, set_week
from web.auth import permission_required
from web.context import new_uow
from web.ui.forms import flag, optional_date
from web.ui.pages import ui_blueprint

bp = ui_blueprint("calendar_pages", __name__, url_prefix="/admin/calendar")


@bp.route("")
@permission_required(Perm.MANAGE_CALENDAR)
def index() -> ResponseReturnValue:
    """Show the week (Saturday first) with its hours, and the holidays from today on."""
    calendar = get_calendar(new_uow(), actor_id=current_user.id)
    today = clock.business_today()
    return render_template("admin/calendar.html", calendar=calendar, today=today)


@bp.route("/week", methods=["POST"])
@permission_required(Perm.MANAGE_CALENDAR)
def save_week() -> ResponseReturnValue:
    """Store the week as ticked: a ticked day needs both hours."""
    hours: dict[str, tuple[time, time] | None] = {}
    for day in request.form.getlist("day"):
        if not flag(request.form.get(f"{day}.works")):
            hours[day] = None
            continue
        hours[day] = (_time(f"week.{day}", day, "opens"), _time(f"week.{day}", day, "closes"))
    set_week(new_uow(), actor_id=current_user.id, hours=hours)
    flash(_("Working week saved."), "success")
    return redirect(url_for("calendar_pages.index"))


@bp.route("/holidays", methods=["POST"])
@permission_required(Perm.MANAGE_CALENDAR)
def add() -> ResponseReturnValue:
    """Add a holiday typed as a Jalali or Gregorian date."""
    day = optional_date(request.form.get("date"), field="date")
    if day is None:
        raise ValidationFailed.single("date", _("Enter the holiday's date."))
    add_holiday(new_uow(), actor_id=current_user.id, day=day, name=request.form.get("name", ""))
    flash(_("Holiday added."), "success")
    return redirect(url_for("calendar_pages.index"))


@bp.route("/holidays/<day>/delete", methods=["POST"])
@permission_required(Perm.MANAGE_CALENDAR)
def delete(day: str) -> ResponseReturnValue:
    """Make a holiday a normal day again."""
    typed = optional_date(day, field="date")
    if typed is None:
        raise ValidationFailed.single("date", _("Enter the holiday's date."))
    remove_holiday(new_uow(), actor_id=current_user.id, day=typed)
    flash(_("Holiday removed."), "success")
    return redirect(url_for("calendar_pages.index"))


def _time(field: str, day: str, which: str) -> time:
    text = (request.form.get(f"{day}.{which}") or "").strip()
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.single(field, _("Enter the hours as HH:MM.")) from None
