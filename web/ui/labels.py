"""Translated names of the codes the engine stores (states, roles, steps, history lines).

The engine keeps stable English codes; pages show these labels in the page's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import Flask
from flask_babel import get_locale, gettext, lazy_gettext as _l

from engine.domain.step_timers import ESCALATED, REMINDED
from engine.domain.steps import label_in

_FILE_PLACE = re.compile(r"^(lines|entries)\[(\d+)\]\.")
STATES = {
    "draft": _l("Draft"),
    "awaiting_approval": _l("Awaiting approval"),
    "awaiting_numbering": _l("Awaiting numbering"),
    "posted": _l("Posted"),
    "partially_paid": _l("Partially paid"),
    "paid": _l("Paid"),
    "confirmed": _l("Confirmed"),
    "delivered": _l("Delivered"),
    "invoiced": _l("Invoiced"),
    "cancelled": _l("Cancelled"),
}
TYPES = {
    "sales_quote": _l("Sales quote"),
    "sales_invoice": _l("Sales invoice"),
    "sales_return": _l("Sales return"),
    "purchase_quote": _l("Purchase quote"),
    "purchase_invoice": _l("Purchase invoice"),
    "purchase_return": _l("Purchase return"),
}
WEEKDAYS = {
    "saturday": _l("Saturday"),
    "sunday": _l("Sunday"),
    "monday": _l("Monday"),
    "tuesday": _l("Tuesday"),
    "wednesday": _l("Wednesday"),
    "thursday": _l("Thursday"),
    "friday": _l("Friday"),
}
# The default roles' display names (engine/domain/permissions.py DEFAULT_ROLE_NAMES) in
# the catalogs; role_label translates whatever name it gets, so a typed name shows as typed.
ROLE_NAMES = (
    _l("Administrator"),
    _l("Approver"),
    _l("Numberer"),
    _l("Finance approver"),
    _l("Sales clerk"),
    _l("Accountant"),
    _l("Process designer"),
    _l("Viewer"),
)
PERMISSIONS = {
    "create": _l("Create documents"),
    "edit": _l("Edit documents"),
    "edit_after_approval": _l("Edit after approval"),
    "delete": _l("Delete documents"),
    "approve": _l("Approve"),
    "number": _l("Number"),
    "sell": _l("Confirm quotes"),
    "deliver": _l("Record deliveries"),
    "cancel": _l("Cancel posted documents"),
    "record_payments": _l("Record payments"),
    "manage_contacts": _l("Manage contacts"),
    "manage_products": _l("Manage products"),
    "view_all": _l("View all"),
    "assign_tasks": _l("Assign tasks"),
    "design_processes": _l("Design processes"),
    "manage_types": _l("Manage document types"),
    "manage_users": _l("Manage users"),
    "view_audit": _l("View the audit log"),
    "follow_up": _l("Follow up overdue invoices"),
    "manage_followup_levels": _l("Manage follow-up levels"),
    "manage_calendar": _l("Manage the working calendar"),
}
SORTS = {
    "created_desc": _l("Newest first"),
    "created_asc": _l("Oldest first"),
    "number": _l("Number"),
    "issue_date": _l("Date"),
    "issue_date_jalali": _l("Jalali date"),
}
PREVIEWS = {"pdf": _l("PDF"), "image": _l("Image"), "word": _l("Word document")}
EVENTS = {
    "created": _l("Created"),
    "updated": _l("Edited"),
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "number_approved": _l("Numbering approved"),
    "credit_approved": _l("Credit approved"),
    "numbered": _l("Numbered"),
    "posted": _l("Posted"),
    "cancelled": _l("Cancelled"),
    "reversed": _l("Reversed"),
    "confirmed": _l("Confirmed"),
    "confirm_requested": _l("Confirmed"),
    "delivered": _l("Delivered"),
    "delivery_recorded": _l("Delivery recorded"),
    "invoiced": _l("Invoiced"),
    "resubmitted": _l("Resubmitted"),
    "returned_to_approval": _l("Edited, so sent back to approval"),
    "process_cancelled": _l("Process cancelled: back to draft"),
    "payment": _l("Payment"),
    "early_discount": _l("Early payment discount"),
    "allocation_undone": _l("Allocation undone"),
    "message_sent": _l("Message sent"),
    "message_delivered": _l("Message delivered"),
    "message_failed": _l("Message failed"),
    "thread_message": _l("Message to the followers"),
    "reply_received": _l("Reply received"),
    "follower_added": _l("Follower added"),
    "follower_removed": _l("Follower removed"),
    REMINDED: _l("Reminder sent"),
    ESCALATED: _l("Escalated: the deadline passed"),
}
CHANNELS = {"email": _l("Email"), "sms": _l("SMS"), "letter": _l("Letter")}
MESSAGE_STATUSES = {
    "queued": _l("Queued"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "delivered": _l("Delivered"),
    "failed": _l("Failed"),
}
# Input fields as error pages name them (a ValidationFailed names fields by these codes).
FIELDS = {
    "amount": _l("Amount"),
    "bank_account_id": _l("Bank account"),
    "body": _l("Message"),
    "cheque_due_date": _l("Cheque due date"),
    "cheque_number": _l("Cheque number"),
    "code": _l("Code"),
    "comment": _l("Comment"),
    "contact_id": _l("Contact"),
    "credit_limit": _l("Credit limit"),
    "current_password": _l("Current password"),
    "date": _l("Date"),
    "day": _l("Day of the month"),
    "days": _l("Days"),
    "delay": _l("Due"),
    "debit": _l("Debit"),
    "credit": _l("Credit"),
    "description": _l("Description"),
    "direction": _l("Debit or credit"),
    "document_id": _l("Invoice"),
    "due_date": _l("Due date"),
    "email": _l("Email"),
    "file": _l("File"),
    "format": _l("Format"),
    "from": _l("From"),
    "iban": _l("IBAN"),
    "lang": _l("Language"),
    "language": _l("Language"),
    "lines": _l("Lines"),
    "method": _l("Method"),
    "mobile": _l("Mobile"),
    "name": _l("Name"),
    "payment_term_id": _l("Payment term"),
    "percent": _l("Percent"),
    "tax_mode": _l("Tax"),
    "value": _l("Instalment"),
    "new_password": _l("New password"),
    "next_date": _l("Next reminder"),
    "password": _l("Password"),
    "quantity": _l("Quantity"),
    "recipient": _l("Email to"),
    "roles": _l("Roles"),
    "sms": _l("SMS text"),
    "subject": _l("Subject"),
    "to": _l("To"),
    "unit_price": _l("Unit price"),
    "username": _l("Username"),
}

# A payment term's words (engine.domain.payment_terms, issue 14 §3, §4).
TERM_WORDS = {
    "percent": _l("Percent of the total"),
    "fixed": _l("Fixed amount"),
    "balance": _l("The balance"),
    "days_after": _l("days after the invoice date"),
    "days_after_end_of_month": _l("days after the end of the month"),
    "days_after_end_of_next_month": _l("days after the end of the next month"),
    "day_of_next_month": _l("on a day of the next month"),
    "included": _l("of the total with tax"),
    "excluded": _l("of the amount before tax"),
    "mixed": _l("of the amount before tax, tax invoiced on the discounted amount"),
}

INSTANCE_STATUS = {
    "running": _l("Running"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
    "error": _l("Error"),
    "incident": _l("Incident"),
}


def _label(table: dict[str, object], code: str | None, fallback: str | None = None) -> str:
    if code is None:
        return ""
    found = table.get(code)
    return str(found) if found is not None else (fallback or code)


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "fa"


def step_label(
    element_id: str | None, name: str | None = None, labels: Mapping[str, str] | None = None
) -> str:
    """Return a step's name: its diagram's label in the page's language, else its name."""
    if element_id is None:
        return ""
    return label_in(labels or {}, _language(), name or element_id)


def event_label(code: str | None, labels: Mapping[str, str] | None = None) -> str:
    """Return a history line's name; a diagram's own decision shows the decision's label."""
    if code in EVENTS or not labels:
        return _label(EVENTS, code)
    return label_in(labels, _language(), code or "")


DIFF_CHANGES = {
    "tag": _l("Kind"),
    "name": _l("Name"),
    "extensionElements": _l("Extension properties"),
    "content": _l("Content (conditions, timers, flows)"),
}

# Bank statements (issue 14 §7): a line's status, a proposal's kind and what agrees,
# a CSV column's role, the calendars and date orders of a mapping.
BANK_WORDS = {
    "open": _l("Open"),
    "matched": _l("Matched"),
    "ignored": _l("Ignored"),
    "exact": _l("Exact match"),
    "partial": _l("Candidate"),
    "reference": _l("Number in the reference"),
    "amount": _l("Amount"),
    "part_amount": _l("Part of the amount"),
    "contact": _l("Payer"),
    "column.date": _l("Date"),
    "column.amount": _l("Amount"),
    "column.sign": _l("Debit/credit column"),
    "column.debit": _l("Debit"),
    "column.credit": _l("Credit"),
    "column.reference": _l("Reference"),
    "column.description": _l("Description"),
    "column.counterparty_name": _l("Other party's name"),
    "column.counterparty_iban": _l("Other party's IBAN"),
    "column.id": _l("Bank's line id"),
    "gregorian": _l("Gregorian"),
    "jalali": _l("Jalali"),
    "ymd": _l("year/month/day"),
    "dmy": _l("day/month/year"),
    "mdy": _l("month/day/year"),
    "csv": _l("CSV"),
    "camt053": _l("CAMT.053 (XML)"),
}


def bucket_names() -> dict[str, str]:
    """Return the ageing buckets' names (reports, a credit approval's ageing)."""
    return {
        "current": gettext("Not yet due"),
        "1-30": gettext("1–30 days"),
        "31-60": gettext("31–60 days"),
        "61-90": gettext("61–90 days"),
        "90+": gettext("Over 90 days"),
    }


def diff_change_label(code: str) -> str:
    """Return what changed in an element: a known part, else the attribute (``@default``)."""
    return _label(DIFF_CHANGES, code, code)


def field_label(key: str) -> str:
    """Return the translated name of an error's field: ``rows[3].email`` → "Email";
    a bank file's ``lines[3].amount`` → "Line 3: Amount" (issue 14 §7: the line counts)."""
    code = key.rsplit(".", 1)[-1].split("[", 1)[0]
    name = _label(FIELDS, code, key)
    where = _FILE_PLACE.match(key)
    if where is None:
        return name
    number = int(where.group(2))
    if where.group(1) == "lines":
        return gettext("Line %(number)s: %(field)s", number=number, field=name)
    return gettext("Entry %(number)s: %(field)s", number=number, field=name)


def register_labels(app: Flask) -> None:
    """Make the label functions available to every template."""
    app.jinja_env.globals.update(
        state_label=lambda c: _label(STATES, c),
        type_label=lambda c, name=None: _label(TYPES, c, name),
        cartable_label=lambda c, labels=None: label_in(labels or {}, _language(), c or ""),
        step_label=step_label,
        role_label=lambda name: gettext(name) if name else "",
        perm_label=lambda c: _label(PERMISSIONS, c),
        event_label=event_label,
        instance_status_label=lambda c: _label(INSTANCE_STATUS, c),
        sort_label=lambda c: _label(SORTS, c),
        preview_label=lambda c: _label(PREVIEWS, c),
        channel_label=lambda c: _label(CHANNELS, c),
        message_status_label=lambda c: _label(MESSAGE_STATUSES, c),
        weekday_label=lambda c: _label(WEEKDAYS, c),
        diff_change_label=diff_change_label,
        term_label=lambda c: _label(TERM_WORDS, c),
        bank_label=lambda c: _label(BANK_WORDS, c),
    )
