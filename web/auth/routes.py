"""Sign in, sign out, password change, the language switch (E1, E2, issue 10 #8), and
one's own substitutes and assignment notices (issue 12 §7)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from engine import clock
from engine.domain.errors import PermissionDenied, TooManyAttempts, ValidationFailed
from engine.services.users import (
    authenticate,
    change_password,
    colleagues,
    create_delegation,
    delete_delegation,
    end_sessions,
    get_user,
    list_delegations,
    set_assignment_notices,
    set_locale,
    start_session,
)
from web.auth import SessionUser
from web.context import new_uow
from web.ui.forms import flag, optional_date
from web.ui.i18n import LANGUAGES
from web.ui.pages import safe_next, ui_blueprint

bp = ui_blueprint("account", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the sign-in form; on good credentials start a session and go where asked."""
    next_url = safe_next(request.values.get("next"))
    if request.method != "POST":  # GET, and HEAD (monitors, link previews): no attempt
        if current_user.is_authenticated:
            return redirect(next_url)
        return render_template("login.html", next=next_url, error=None)
    username = request.form.get("username", "").strip()
    try:
        user_id = authenticate(
            new_uow(),
            username=username,
            password=request.form.get("password", ""),
            remote_addr=request.remote_addr,
        )
    except TooManyAttempts as error:  # this address only; the same for every name
        message = _(
            "Too many failed sign-ins from this address; try again in %(num)s seconds.",
            num=error.retry_after,
        )
        page = render_template("login.html", next=next_url, error=message, username=username)
        return page, 429, {"Retry-After": str(error.retry_after)}
    except PermissionDenied:  # unknown user, inactive user or wrong password alike
        message = _("Wrong username or password.")
        return render_template("login.html", next=next_url, error=message, username=username), 401
    session.clear()  # a fresh session on sign-in (no fixation); the user's language rules
    _sign_in(user_id, start_session(new_uow(), user_id=user_id))
    return redirect(next_url)


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    """End the session here and on the server: a copy of the cookie stops working too."""
    if current_user.is_authenticated:
        end_sessions(new_uow(), user_id=current_user.id)
    logout_user()
    session.clear()
    return redirect(url_for("account.login"))


@bp.route("/language", methods=["POST"])
def language() -> ResponseReturnValue:
    """Switch the language; a signed-in user's choice is stored with the user (E1)."""
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated:
            set_locale(new_uow(), user_id=current_user.id, locale=lang)
    return redirect(safe_next(request.form.get("next"), url_for("home")))


@bp.route("/me", methods=["GET"])
@login_required
def me() -> ResponseReturnValue:
    """Show who is signed in, with roles and permissions, the password form, one's
    substitutes and the assignment notices."""
    user = get_user(new_uow(), user_id=current_user.id)
    return render_template(
        "me.html",
        user=user,
        delegations=list_delegations(new_uow(), actor_id=user.id, username=user.username),
        people=[p for p in colleagues(new_uow(), actor_id=user.id) if p.id != user.id],
        today=clock.business_today(),
    )


@bp.route("/me/delegations", methods=["POST"])
@login_required
def add_delegation() -> ResponseReturnValue:
    """Name a substitute for a range of days (Jalali or Gregorian dates)."""
    starts_on = optional_date(request.form.get("starts_on"), field="starts_on")
    ends_on = optional_date(request.form.get("ends_on"), field="ends_on")
    if starts_on is None or ends_on is None:
        field = "starts_on" if starts_on is None else "ends_on"
        raise ValidationFailed.single(field, _("Enter both days."))
    create_delegation(
        new_uow(),
        actor_id=current_user.id,
        username=current_user.username,
        substitute=request.form.get("substitute", ""),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    flash(_("Substitute saved."), "success")
    return redirect(url_for("account.me"))


@bp.route("/me/delegations/<int:delegation_id>/delete", methods=["POST"])
@login_required
def remove_delegation(delegation_id: int) -> ResponseReturnValue:
    """End one of one's delegations now."""
    delete_delegation(
        new_uow(),
        actor_id=current_user.id,
        username=current_user.username,
        delegation_id=delegation_id,
    )
    flash(_("Substitute removed."), "success")
    return redirect(url_for("account.me"))


@bp.route("/me/notices", methods=["POST"])
@login_required
def notices() -> ResponseReturnValue:
    """Opt in or out of an email or SMS when a task is assigned to oneself."""
    set_assignment_notices(
        new_uow(),
        actor_id=current_user.id,
        username=current_user.username,
        email=flag(request.form.get("email")),
        sms=flag(request.form.get("sms")),
    )
    flash(_("Notices saved."), "success")
    return redirect(url_for("account.me"))


@bp.route("/me/password", methods=["POST"])
@login_required
def password() -> ResponseReturnValue:
    """Change one's password; other sessions and every API token of the user end."""
    token = change_password(
        new_uow(),
        user_id=current_user.id,
        current_password=request.form.get("current_password", ""),
        new_password=request.form.get("new_password", ""),
    )
    _sign_in(current_user.id, token)  # this session goes on with the new token
    flash(_("Your password was changed; your other sessions and API tokens were ended."), "success")
    return redirect(url_for("account.me"))


def _sign_in(user_id: int, session_token: str) -> None:
    login_user(SessionUser(get_user(new_uow(), user_id=user_id), session_token))
