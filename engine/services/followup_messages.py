"""What a follow-up message says and to whom: recipient, language, text, context (F1, F5, F6).

The outbox stores the level's template text and this context; the notification
workers render it in a sandbox. Amounts and dates are formatted here in the
customer's language (Persian digits and Jalali dates for fa, E1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import jdatetime

from engine.domain.followups import OpenInvoice, pick_locale
from engine.domain.money import format_amount
from engine.models.contacts import Contact
from engine.models.followups import FollowupLevel
from engine.text_limits import BODY_LIMIT, PART_LIMITS
from engine.text_sandbox import text_error

_DIGITS = {"fa": "persian", "ar": "arabic"}
_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@dataclass(frozen=True)
class MessageText:
    locale: str
    subject: str | None
    body: str
    context: dict[str, Any]


def recipient_for(contact: Contact, channel: str, override: str | None = None) -> str:
    """Return where a channel reaches the customer: email, mobile, or postal address (F6)."""
    if override and override.strip():
        return override.strip()
    if channel == "email":
        return (contact.email or "").strip()
    if channel == "sms":
        return (contact.mobile or "").strip()
    address = (contact.invoice_address or contact.delivery_address or "").strip()
    return f"{contact.name}\n{address}"[:254] if address else ""


def build_message(
    contact: Contact,
    level: FollowupLevel,
    invoices: Sequence[OpenInvoice],
    channel: str,
    *,
    templates: Mapping[str, Mapping[str, str]] | None = None,
) -> MessageText | None:
    """Return the text sources and context of one message, or None if the level has none.

    ``templates`` (a text changed by hand, F5) overrides the level's text part by part.
    """
    texts_by_locale: dict[str, dict[str, str]] = {
        loc: dict(parts) for loc, parts in (level.templates or {}).items()
    }
    for loc, parts in (templates or {}).items():
        texts_by_locale.setdefault(loc, {}).update({k: v for k, v in parts.items() if v})
    locale = pick_locale(texts_by_locale, contact.language)
    texts = texts_by_locale.get(locale) or {}
    body = texts.get("sms") if channel == "sms" else texts.get("body")
    if not body:
        return None
    subject = None if channel == "sms" else (texts.get("subject") or level.description)
    return MessageText(locale, subject, body, message_context(contact, level, invoices, locale))


def message_context(
    contact: Contact, level: FollowupLevel, invoices: Sequence[OpenInvoice], locale: str
) -> dict[str, Any]:
    """Return the JSON context the templates render: customer, invoices, total_due."""
    total = sum((inv.open_amount for inv in invoices), Decimal(0))
    return {
        "customer": contact.name,
        "level": level.description,
        "currency": "IRR",
        "total_due": money_text(total, locale),
        "invoices": [
            {
                "number": inv.number,
                "due_date": date_text(inv.due_date, locale),
                "open_amount": money_text(inv.open_amount, locale),
            }
            for inv in invoices
        ],
    }


def money_text(amount: Decimal, locale: str) -> str:
    """Return a Rial amount as a message shows it: whole, grouped, in the locale's digits."""
    return format_amount(amount, places=0, digits=_DIGITS.get(locale, "latin"))


def date_text(day: date, locale: str) -> str:
    """Return a date as a message shows it: Jalali in Persian digits for fa (E1), else ISO."""
    if locale == "fa":  # E1: Jalali for Persian
        jalali: str = jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")
        return jalali.translate(_PERSIAN)
    return day.isoformat()


def sample_context(locale: str) -> dict[str, Any]:
    """Return a context shaped as message_context makes it, to test-render a saved text."""
    contact = Contact(name="Sample Customer")
    level = FollowupLevel(description="Sample level")
    invoices = [
        OpenInvoice(1, "INV-1001", date(2025, 3, 21), Decimal("12500000"), None),
        OpenInvoice(2, "INV-1002", date(2025, 4, 21), Decimal("98100000"), None),
    ]
    return message_context(contact, level, invoices, locale)


def template_errors(
    templates: Mapping[str, Mapping[str, str]], *, context: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """Compile and test-render each text; return why each fails, by its field name.

    Fields read ``templates.<locale>.<part>``, and ``templates`` itself names the whole
    refusal for clients that look at the top-level field; ``context`` is the message's own, else a
    sample (sample_context). The render is the bounded one the workers run, within the
    part's size (engine.text_sandbox.PART_LIMITS), so a text refused here is never
    stored or queued, and one that passes renders in the workers (issue 10 #3).
    """
    errors: dict[str, str] = {}
    for locale, parts in templates.items():
        values = context if context is not None else sample_context(locale)
        for part, source in parts.items():
            limit = PART_LIMITS.get(part, BODY_LIMIT)
            error = text_error(source or "", values, limit=limit)
            if error is not None:
                errors[f"templates.{locale}.{part}"] = f"this text cannot be sent: {error}"
    if errors:
        errors["templates"] = "cannot be sent: " + ", ".join(sorted(errors))
    return errors
