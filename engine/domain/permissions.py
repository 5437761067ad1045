"""Permissions and the default roles that bundle them (E2, I11).

Who works a cartable is not a permission: a diagram's lane names the roles whose members
work it (issue 12 §2, docs/bpmn.md). APPROVE, NUMBER, SELL and DELIVER remain as labels of
what the default roles are for; no rule reads them any more.
"""

from __future__ import annotations

from enum import StrEnum


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


DEFAULT_ROLES: dict[str, frozenset[Perm]] = {
    "admin": frozenset(Perm),
    "approver": frozenset({Perm.APPROVE, Perm.VIEW_ALL, Perm.ASSIGN_TASKS}),
    "numberer": frozenset({Perm.NUMBER, Perm.VIEW_ALL}),
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
