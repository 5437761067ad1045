"""Sign in, sign out and the language switch (E1, E2)."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from engine.domain.errors import PermissionDenied
from engine.services.user_admin import set_locale
from engine.services.users import authenticate, get_user
from web.auth import SessionUser
from web.context import new_uow
from web.ui.i18n import LANGUAGES
from web.ui.pages import safe_next, ui_blueprint

bp = ui_blueprint("account", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the sign-in form; on good credentials start a session and go where asked."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(next_url)
        return render_template("login.html", next=next_url, error=None)
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    try:
        user_id = authenticate(
            new_uow(), username=username, password=password, remote_addr=request.remote_addr
        )
    except PermissionDenied as error:
        message = (
            _("Too many failed sign-ins; try again in a few minutes.")
            if "too many" in error.message
            else _("Wrong username or password.")
        )
        return render_template("login.html", next=next_url, error=message, username=username), 401
    session.clear()  # a fresh session on sign-in (no fixation); the user's language rules
    login_user(SessionUser(get_user(new_uow(), user_id=user_id)))
    return redirect(next_url)


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    """End the session."""
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
    """Show who is signed in, with roles and permissions."""
    return render_template("me.html", user=get_user(new_uow(), user_id=current_user.id))
