"""/followups: customers needing action, bulk processing, a customer's follow-up with its
history and manual send; /followups/levels: the levels editor (F1, F4, F5, F7, F8).

Views only read forms and call engine/services; the rules live there.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from engine import clock
from engine.domain.errors import ValidationFailed
from engine.domain.followups import ACTIVITY_TYPES, LOCALES, MODES
from engine.domain.messages import CHANNELS
from engine.domain.permissions import Perm
from engine.services.followups import (
    SEND_CHANNELS,
    LevelInput,
    ManualSend,
    create_level,
    customer_history,
    delete_level,
    get_customer_followup,
    list_levels,
    list_needing_action,
    manual_send,
    process_customers,
    update_customer_followup,
    update_level,
)
from engine.services.users import colleagues
from web.auth import permission_required
from web.context import new_uow
from web.ui.forms import flag, optional_date, optional_int
from web.ui.labels import CHANNELS as CHANNEL_LABELS
from web.ui.pages import ui_blueprint

bp = ui_blueprint("followup_pages", __name__)


def _status_names() -> dict[str, str]:
    return {
        "none": _("Nothing open"),
        "waiting": _("Waiting for the next level"),
        "action_needed": _("Needs a person"),
        "done": _("All levels applied"),
    }


def _channel_names() -> dict[str, str]:
    # The same names as the messages lists (web.ui.labels.CHANNELS), and printing.
    return {**{code: str(name) for code, name in CHANNEL_LABELS.items()}, "print": _("Print")}


def _activity_names() -> dict[str, str]:
    return {"call": _("Call"), "meeting": _("Meeting"), "email": _("Email"), "todo": _("To do")}


def _language_names() -> dict[str, str]:
    return {"fa": _("Persian"), "ar": _("Arabic"), "en": _("English")}


def _kind_names() -> dict[str, str]:
    return {
        "message": _("Message queued"),
        "level": _("Level reached"),
        "activity": _("Activity scheduled"),
        "skipped": _("Skipped"),
        "due": _("Due, waiting for a person"),
        "edited": _("Changed by hand"),
        "manual": _("Sent by hand"),
        "reply": _("Reply received"),
    }


@bp.route("/followups")
@permission_required(Perm.FOLLOW_UP)
def index() -> str:
    """Customers whose next follow-up step is due, with bulk processing (F8)."""
    on = optional_date(request.args.get("on"), field="on") or clock.business_today()
    rows = list_needing_action(new_uow(), actor_id=current_user.id, on=on, limit=500)
    return render_template("followups/index.html", rows=rows, on=on, status_names=_status_names())


@bp.route("/followups/process", methods=["POST"])
@permission_required(Perm.FOLLOW_UP)
def process() -> Response:
    """Process the ticked customers now (their due level goes out, manual ones too)."""
    ids = [int(v) for v in request.form.getlist("contact_id") if v.isdigit()]
    sent = process_customers(new_uow(), contact_ids=ids, actor_id=current_user.id)
    flash(_("%(n)s message(s) queued.", n=len(sent)), "success")
    return redirect(url_for("followup_pages.index"))


@bp.route("/followups/<int:contact_id>")
@permission_required(Perm.FOLLOW_UP)
def show(contact_id: int) -> str:
    """One customer's follow-up: status, level, next date, history, manual send (F4-F7)."""
    uow, actor = new_uow(), current_user.id
    state = get_customer_followup(uow, contact_id=contact_id, actor_id=actor)
    history = customer_history(uow, contact_id=contact_id, actor_id=actor)
    levels = list_levels(uow, actor_id=actor)
    return render_template(
        "followups/show.html",
        state=state,
        history=history,
        levels=levels,
        users=_users(),
        modes=MODES,
        send_channels=SEND_CHANNELS,
        locales=LOCALES,
        status_names=_status_names(),
        kind_names=_kind_names(),
        channel_names=_channel_names(),
        language_names=_language_names(),
    )


@bp.route("/followups/<int:contact_id>", methods=["POST"])
@permission_required(Perm.FOLLOW_UP)
def edit(contact_id: int) -> Response:
    """Change mode, next date or responsible user (F4)."""
    changes: dict[str, Any] = {
        "mode": request.form.get("mode", ""),
        "next_date": optional_date(request.form.get("next_date"), field="next_date"),
        "responsible_id": optional_int(request.form.get("responsible_id"), field="responsible_id"),
    }
    update_customer_followup(
        new_uow(), contact_id=contact_id, changes=changes, actor_id=current_user.id
    )
    flash(_("Saved."), "success")
    return redirect(url_for("followup_pages.show", contact_id=contact_id))


@bp.route("/followups/<int:contact_id>/send", methods=["POST"])
@permission_required(Perm.FOLLOW_UP)
def send(contact_id: int) -> Response:
    """Send by hand: email, SMS, letter or print, optionally with a changed text (F5)."""
    form = request.form
    locale = form.get("locale", "fa")
    templates = None
    if form.get("body", "").strip() or form.get("sms", "").strip():
        templates = {
            locale: {
                part: form.get(part, "")
                for part in ("subject", "body", "sms")
                if form.get(part, "").strip()
            }
        }
    cmd = ManualSend(
        contact_id=contact_id,
        channels=tuple(form.getlist("channel")),
        templates=templates,
        level_id=optional_int(form.get("level_id"), field="level_id"),
        attach_invoices=flag(form.get("attach_invoices")),
        and_print=form.get("action") == "send_and_print",
    )
    sent = manual_send(new_uow(), cmd, actor_id=current_user.id)
    flash(_("%(n)s message(s) queued.", n=len(sent)), "success")
    return redirect(url_for("followup_pages.show", contact_id=contact_id))


@bp.route("/followups/levels")
@permission_required(Perm.FOLLOW_UP)
def levels() -> str:
    """The follow-up levels, editable by holders of manage_followup_levels (F1)."""
    return render_template(
        "followups/levels.html",
        levels=list_levels(new_uow(), actor_id=current_user.id),
        channels=CHANNELS,
        locales=LOCALES,
        activity_types=ACTIVITY_TYPES,
        activity_names=_activity_names(),
        language_names=_language_names(),
    )


@bp.route("/followups/levels", methods=["POST"])
@permission_required(Perm.MANAGE_FOLLOWUP_LEVELS)
def level_create() -> Response:
    """Add a level."""
    create_level(new_uow(), LevelInput(**_level_form()), actor_id=current_user.id)
    flash(_("Saved."), "success")
    return redirect(url_for("followup_pages.levels"))


@bp.route("/followups/levels/<int:level_id>", methods=["POST"])
@permission_required(Perm.MANAGE_FOLLOWUP_LEVELS)
def level_update(level_id: int) -> Response:
    """Change a level; a new number of days moves customers' next steps."""
    if request.form.get("action") == "delete":
        delete_level(new_uow(), level_id=level_id, actor_id=current_user.id)
    else:
        update_level(new_uow(), level_id=level_id, changes=_level_form(), actor_id=current_user.id)
    flash(_("Saved."), "success")
    return redirect(url_for("followup_pages.levels"))


def _level_form() -> dict[str, Any]:
    form = request.form
    days = optional_int((form.get("days") or "").lstrip("-"), field="days")
    if days is None:
        raise ValidationFailed.single("days", "required")
    templates = {
        locale: {
            part: form.get(f"{locale}_{part}", "")
            for part in ("subject", "body", "sms")
            if form.get(f"{locale}_{part}", "").strip()
        }
        for locale in LOCALES
    }
    return {
        "description": form.get("description", ""),
        "days": -days if (form.get("days") or "").strip().startswith("-") else days,
        "channels": tuple(c for c in CHANNELS if flag(form.get(f"channel_{c}"))),
        "templates": {k: v for k, v in templates.items() if v},
        "automatic": flag(form.get("automatic")),
        "attach_invoices": flag(form.get("attach_invoices")),
        "add_follower": flag(form.get("add_follower")),
        "activity_type": form.get("activity_type") or None,
        "activity_summary": form.get("activity_summary", ""),
        "is_active": flag(form.get("is_active")),
    }


def _users() -> list[Any]:
    return colleagues(new_uow(), actor_id=current_user.id)
