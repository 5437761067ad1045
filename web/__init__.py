"""The Flask app factory: API (OpenAPI at /api/openapi.json), error mapping, engine handles."""

from __future__ import annotations

import logging

from flask import Flask

from engine import configure
from engine.config import Settings
from engine.db import make_engine, make_session_factory
from web import headers, input_bounds
from web.api.fields import DecimalString, LocalDate, LocalInteger
from web.context import Cartable
from web.errors import CartableApi, register_error_handlers
from web.ui import init_ui


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app for ``settings`` (default: from the environment)."""
    settings = settings or Settings.from_env()
    configure.apply(settings)  # the business zone and the printed seller (issue 11 §1)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        API_TITLE="Cartable",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": "Quote-to-cash documents, cartables, numbering and payments."},
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_SORT_KEYS=False,
        # Issue 10 #5: a body over this is refused (413) before anything reads it whole.
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
    )
    input_bounds.init_app(app)  # before any route: bounded <int:…> (issue 10 #9)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Persian names stay readable
    engine = make_engine(settings.database_url)
    app.extensions["cartable"] = Cartable(settings, engine, make_session_factory(engine))
    api = CartableApi(app)
    api.register_field(DecimalString, "string", None)
    api.register_field(LocalInteger, "integer", None)
    api.register_field(LocalDate, "string", "date")
    _register_blueprints(api)
    register_error_handlers(app)
    init_ui(app)  # the web pages (docs/ui.md)
    _register_webhooks(app)  # after the UI so its CSRF protection can exempt them
    _register_operations(app)  # /healthz, /readyz, /metrics (issue 17 §2)
    # CSP, frame, sniffing, referrer and HSTS headers; ProxyFix (issue 10 #8, #10)
    headers.init_app(app, https=settings.https, trusted_proxies=settings.trusted_proxies)
    logging.getLogger("engine").setLevel(logging.INFO)
    return app


def _register_blueprints(api: CartableApi) -> None:
    # The one accepted place for imports inside a function: the factory wiring
    # blueprints (STYLE: avoid import cycles through the app module).
    from web.api import (
        allocations,
        audit,
        auth,
        bank,
        calendar,
        contact_files,
        contacts,
        document_types,
        documents,
        followers,
        followups,
        messages,
        modeling,
        payment_terms,
        payments,
        printouts,
        process_design,
        processes,
        products,
        reports,
        tasks,
        users,
    )

    for module in (auth, contacts, products, document_types, documents, tasks, payments, processes):
        api.register_blueprint(module.blp)
    for module in (printouts, reports, contact_files):  # files, reports (I9, I12, E7, F9)
        api.register_blueprint(module.blp)
    for module in (messages,):  # outbox messages and their delivery status (C4, E5)
        api.register_blueprint(module.blp)
    api.register_blueprint(followers.blp)  # a document's followers and thread (F1, F7)
    api.register_blueprint(followups.levels_blp)  # follow-up levels (F1)
    api.register_blueprint(followups.blp)  # customers' follow-ups (F4-F8)
    api.register_blueprint(calendar.blp)  # the working week and holidays (issue 12 §6)
    api.register_blueprint(users.roles_blp)  # roles and their members (E2, issue 12 §2)
    api.register_blueprint(users.blp)
    api.register_blueprint(process_design.blp)  # versions, cockpit, migrations (issue 13)
    api.register_blueprint(modeling.blp)  # the modeler's drafts and validation (issue 13 §2)
    api.register_blueprint(contacts.groups_blp)  # customer groups (P3, issue 14 §8)
    api.register_blueprint(allocations.blp)  # credit applied to invoices (issue 14 §2)
    api.register_blueprint(audit.blp)  # the audit log search (E2, issue 17 §4)
    api.register_blueprint(audit.filters_blp)  # saved cartable filters (issue 17 §4)
    api.register_blueprint(payment_terms.blp)  # instalments, early discount (issue 14 §3, §4)

    for module_blp in (bank.accounts_blp, bank.blp, bank.lines_blp):  # F2, issue 14 §7
        api.register_blueprint(module_blp)


def _register_operations(app: Flask) -> None:
    # Imported here: prometheus_client must load after the server chose its mode
    # (engine.config.share_metrics_between_processes).
    from web import operations

    operations.init_app(app)


def _register_webhooks(app: Flask) -> None:
    from web import webhooks

    webhooks.init_app(app)
