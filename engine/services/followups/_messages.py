"""What a follow-up message says and to whom: recipient, language, text, context (F1, F5, F6).

The outbox stores the level's template text and this context; the notification
workers render it in a sandbox. Amounts and dates are formatted here in the
customer's language by engine.domain.localize (Persian digits and Jalali dates for fa,
E1), as the pages and PDFs show them; invoice numbers are isolated left-to-right runs
in Persian and Arabic texts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from engine.domain.followups import OpenInvoice, pick_locale
from engine.domain.localize import format_date, format_money, isolate
from engine.domain.messages import Channel
from engine.models.contacts import Contact
from engine.models.followups import FollowupLevel
from engine.text_limits import BODY_LIMIT, PART_LIMITS
from engine.text_sandbox import text_error


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
    if channel == Channel.EMAIL:
        return (contact.email or "").strip()
    if channel == Channel.SMS:
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
    body = texts.get("sms") if channel == Channel.SMS else texts.get("body")
    if not body:
        return None
    subject = None if channel == Channel.SMS else (texts.get("subject") or level.description)
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
        "total_due": format_money(total, locale),
        "invoices": [
            {
                "number": isolate(inv.number, locale),
                "due_date": format_date(inv.due_date, locale),
                "open_amount": format_money(inv.open_amount, locale),
            }
            for inv in invoices
        ],
    }


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
