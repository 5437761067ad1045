"""The main navigation: one line per page area, shown when its blueprint is registered.

Add your area here (endpoint, label, permission or None); the label is translated when
the page renders. Entries whose endpoint does not exist yet are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from engine.domain.permissions import Perm


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string
    permission: Perm | None = None


NAV: list[NavItem] = [
    NavItem("cartable.index", _l("Cartable")),
    NavItem("document_pages.index", _l("Documents")),
    NavItem("contact_pages.index", _l("Contacts")),
    NavItem("followup_pages.index", _l("Follow-ups")),
    NavItem("report_pages.index", _l("Reports")),
    NavItem("bank_pages.index", _l("Bank"), Perm.RECORD_PAYMENTS),
    NavItem("admin.index", _l("Administration"), Perm.MANAGE_USERS),
    NavItem("process_design_pages.index", _l("Processes"), Perm.DESIGN_PROCESSES),
    NavItem("cockpit_pages.cockpit", _l("Instances"), Perm.DESIGN_PROCESSES),
    NavItem("process_pages.incidents", _l("Incidents"), Perm.DESIGN_PROCESSES),
]


def visible_nav() -> list[NavItem]:
    """Return the items the signed-in user may open, of areas that exist."""
    return [
        item
        for item in NAV
        if item.endpoint in current_app.view_functions
        and (item.permission is None or current_user.can(item.permission))
    ]
