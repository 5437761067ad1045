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
