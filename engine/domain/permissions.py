"""Permissions and the default roles that bundle them (E2, I11).

Who works a cartable is not a permission: a diagram's lane names the roles whose members
work it (issue 12 §2, docs/bpmn.md). APPROVE, NUMBER, SELL and DELIVER remain as labels of
what the default roles are for; no rule reads them any more.
"""

from __future__ import annotations

import re
from enum import StrEnum

from engine.domain.errors import ValidationFailed


class Perm(StrEnum):
    """A thing a user may do; roles are sets of these."""

    CREATE = "create"  # create and submit documents
    EDIT = "edit"  # edit documents outside the creator's time window (T3.8)
    EDIT_AFTER_APPROVAL = "edit_after_approval"  # T3.17
    DELETE = "delete"  # delete drafts outside the creator's window (T3.9)
    APPROVE = "approve"  # the approver's trade (lanes name roles, not this; issue 12)
    NUMBER = "number"  # the numberer's trade (likewise)
    SELL = "sell"  # confirming quotes into orders (likewise)
    DELIVER = "deliver"  # marking orders delivered (likewise)
    CANCEL = "cancel"  # cancel posted documents (writes reversals, I10)
    RECORD_PAYMENTS = "record_payments"
    MANAGE_CONTACTS = "manage_contacts"
    MANAGE_PRODUCTS = "manage_products"
    VIEW_ALL = "view_all"  # see documents whose type restricts viewing (T3.11)
    ASSIGN_TASKS = "assign_tasks"  # assign a colleague's or an unclaimed task
    DESIGN_PROCESSES = "design_processes"
    MANAGE_TYPES = "manage_types"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    FOLLOW_UP = "follow_up"  # work customers' follow-ups: process, send, edit status (F4-F8)
    MANAGE_FOLLOWUP_LEVELS = "manage_followup_levels"  # F1
    MANAGE_CALENDAR = "manage_calendar"  # the working week and holidays (issue 12 §6)


DEFAULT_ROLES: dict[str, frozenset[Perm]] = {
    "admin": frozenset(Perm),
    "approver": frozenset({Perm.APPROVE, Perm.VIEW_ALL, Perm.ASSIGN_TASKS}),
    "numberer": frozenset({Perm.NUMBER, Perm.VIEW_ALL}),
    # Works the second, finance approval of a large document (issue 12 §5); the shipped
    # diagram's finance lane names it, and no type sends a document there by default.
    "finance_approver": frozenset({Perm.APPROVE, Perm.VIEW_ALL}),
    "clerk": frozenset(
        {
            Perm.CREATE,
            Perm.SELL,
            Perm.DELIVER,
            Perm.MANAGE_CONTACTS,
            Perm.MANAGE_PRODUCTS,
            Perm.FOLLOW_UP,  # a contact's owner works its follow-up activities (P7, F1)
        }
    ),
    "accountant": frozenset(
        {
            Perm.RECORD_PAYMENTS,
            Perm.CANCEL,
            Perm.VIEW_ALL,
            Perm.EDIT_AFTER_APPROVAL,
            Perm.CREATE,
            Perm.FOLLOW_UP,
        }
    ),
    "designer": frozenset({Perm.DESIGN_PROCESSES}),
    "viewer": frozenset({Perm.VIEW_ALL}),
}
# The display names of the default roles, in English; pages translate them (fa, ar, en),
# and a name an administrator typed is shown as typed.
DEFAULT_ROLE_NAMES: dict[str, str] = {
    "admin": "Administrator",
    "approver": "Approver",
    "numberer": "Numberer",
    "finance_approver": "Finance approver",
    "clerk": "Sales clerk",
    "accountant": "Accountant",
    "designer": "Process designer",
    "viewer": "Viewer",
}

# A role's code is what diagrams' lanes, tokens and the API name it by (issue 12 §2).
ROLE_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
ROLE_NAME_MAX = 80


def check_role_code(code: str) -> str:
    """Return ``code`` if it is a role code (a-z, 0-9, _; a letter first; at most 40)."""
    if not ROLE_CODE.fullmatch(code):
        raise ValidationFailed.single(
            "code", "must be a-z, 0-9 or _, start with a letter, at most 40 characters"
        )
    return code


def check_permissions(permissions: object) -> list[str]:
    """Return the permission codes sorted and unique; raise naming ``permissions`` if unknown."""
    if not isinstance(permissions, list | tuple) or not all(
        isinstance(p, str) for p in permissions
    ):
        raise ValidationFailed.single("permissions", "must be a list of permission codes")
    known = {p.value for p in Perm}
    unknown = sorted(set(permissions) - known)
    if unknown:
        raise ValidationFailed.single("permissions", f"unknown: {', '.join(unknown)}")
    return sorted(set(permissions))
