"""The server-rendered web app (Jinja + htmx): languages, sessions, CSRF, page blueprints.

``init_ui(app)`` wires everything; docs/ui.md tells how to add a page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, g, redirect, request, url_for
from flask_babel import Babel, get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from engine.domain.messages import Channel, MessageStatus
from engine.domain.permissions import Perm
from engine.repositories.users import REMOTE_ADDR
from web.auth import can, init_login
from web.ui.formatting import register_filters
from web.ui.i18n import LANGUAGES, TRANSLATIONS_DIR, compile_catalogs, direction, select_locale
from web.ui.labels import register_labels
from web.ui.nav import visible_nav

babel = Babel()
csrf = CSRFProtect()

# Assets (templates and static files) live with this package; every page blueprint
# finds templates here, and static files are served under /ui/static.
assets = Blueprint(
    "ui",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/ui/static",
)

# Paths that authenticate otherwise (bearer tokens, provider signatures): no CSRF there.
CSRF_EXEMPT_PREFIXES = ("/api/", "/webhooks/")


def init_ui(app: Flask) -> None:
    """Configure sessions, CSRF, Babel and the filters, and register the page blueprints."""
    settings = app.extensions["cartable"].settings
    # Secure cookies need HTTPS; the embedded default serves plain HTTP on loopback.
    secure_cookies = settings.https
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        SESSION_COOKIE_NAME="cartable_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure_cookies,
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS_DIR),
        BABEL_DEFAULT_LOCALE=settings.default_locale,
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
    )
    compile_catalogs()
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    init_login(app)
    register_filters(app)
    register_labels(app)
    app.before_request(_before_request)
    app.teardown_request(_teardown_request)
    app.context_processor(_template_globals)
    app.register_blueprint(assets)
    _register_pages(app)


def _register_pages(app: Flask) -> None:
    # The factory wiring blueprints: the one accepted place for imports in a function.
    from web.auth.routes import bp as auth_pages
    from web.ui.admin import bp as admin_pages
    from web.ui.allocations import bp as allocation_pages
    from web.ui.bank import bp as bank_pages
    from web.ui.calendar import bp as calendar_pages
    from web.ui.cartable import bp as cartable_pages
    from web.ui.contact_forms import bp as contact_forms
    from web.ui.contacts import bp as contact_pages
    from web.ui.documents import bp as document_pages
    from web.ui.followers import bp as follower_pages
    from web.ui.followups import bp as followup_pages
    from web.ui.modeling import json_bp as modeler_json
    from web.ui.payment_terms import bp as term_pages
    from web.ui.printing import bp as print_pages
    from web.ui.process_design import bp as process_design_pages, cockpit_bp as cockpit_pages
    from web.ui.processes import bp as process_pages
    from web.ui.reports import bp as report_pages

    for bp in (auth_pages, cartable_pages, document_pages, process_pages, admin_pages):
        app.register_blueprint(bp)
    for bp in (print_pages, contact_pages, report_pages):  # I9, I12, P6, E6, E7, F9, F10
        app.register_blueprint(bp)
    app.register_blueprint(contact_forms)  # the contact form and customer groups (issue 14 §8)
    app.register_blueprint(followup_pages)  # F1, F4, F5, F7, F8
    app.register_blueprint(follower_pages)  # a document's followers and thread (F1, F7)
    app.register_blueprint(calendar_pages)  # the working week and holidays (issue 12 §6)
    app.register_blueprint(process_design_pages)  # versions, diffs, migrations, modeler (issue 13)
    app.register_blueprint(modeler_json)  # the modeler's draft, validation, deploy (issue 13 §2)
    app.register_blueprint(cockpit_pages)  # the instance cockpit (issue 13 §4)
    app.register_blueprint(allocation_pages)  # credit applied and undone (issue 14 §2)
    app.register_blueprint(term_pages)  # payment terms (issue 14 §3, §4)
    app.register_blueprint(bank_pages)  # bank statements (F2, issue 14 §7)
    app.add_url_rule("/", "home", _home)


def _home() -> Response:
    return redirect(url_for("cartable.index" if current_user.is_authenticated else "account.login"))


def _before_request() -> None:
    g.remote_addr_token = REMOTE_ADDR.set(request.remote_addr)
    if request.method not in ("GET", "HEAD", "OPTIONS") and not request.path.startswith(
        CSRF_EXEMPT_PREFIXES
    ):
        csrf.protect()


def _teardown_request(_exc: BaseException | None) -> None:
    token = g.pop("remote_addr_token", None)
    if token is not None:
        REMOTE_ADDR.reset(token)


def _template_globals() -> dict[str, Any]:
    locale = get_locale()
    lang = locale.language if locale is not None else "fa"
    return {
        "lang": lang,
        "text_dir": direction(lang),
        "languages": LANGUAGES,
        "can": can,
        "Perm": Perm,
        "Channel": Channel,
        "MessageStatus": MessageStatus,
        "nav_items": visible_nav,
    }
