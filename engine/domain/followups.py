"""Follow-up levels and when they fire: pure rules, no session, no clock (SPEC F1-F4, P2).

A customer's follow-up is driven by its open invoices. Each invoice remembers the
``days`` of the last level applied to it; its next level is the first level with
more days, due on ``due_date + days`` (negative days fire before the due date: the
payment-due alerts of P2). On a processing date the customer's action is the highest
level any of its invoices has reached; one message per channel lists the overdue
invoices, so a customer with five late invoices gets one letter, not five.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from engine.domain.errors import ValidationFailed
from engine.domain.messages import BODY_CHANNELS, CHANNELS, Channel

LOCALES = ("fa", "ar", "en")
ACTIVITY_TYPES = ("call", "meeting", "email", "todo")
TEMPLATE_PARTS = ("subject", "body", "sms")
MIN_DAYS, MAX_DAYS = -365, 3650
MODES = ("automatic", "manual")


@dataclass(frozen=True)
class LevelRule:
    """What the scheduler needs of a level."""

    id: int
    days: int
    channels: tuple[str, ...]
    automatic: bool
    activity: bool


@dataclass(frozen=True)
class OpenInvoice:
    """A posted invoice with something left to pay (F2: paid ones never get here)."""

    id: int
    number: str
    due_date: date
    open_amount: Decimal
    level_days: int | None  # days of the last level applied; None = none yet


@dataclass(frozen=True)
class DueAction:
    """What a customer is due on one date: the level, and which invoices it covers."""

    level: LevelRule
    # invoice id -> days of the level each one reached today (recorded after sending)
    reached: Mapping[int, int]
    # the invoices the message lists: every overdue one plus those that triggered
    listed: tuple[OpenInvoice, ...]


def sorted_levels(levels: Iterable[LevelRule]) -> list[LevelRule]:
    """Return the levels in firing order (by days)."""
    return sorted(levels, key=lambda level: (level.days, level.id))


def next_level(levels: Sequence[LevelRule], after_days: int | None) -> LevelRule | None:
    """Return the first level after one with ``after_days`` (any level when None)."""
    for level in sorted_levels(levels):
        if after_days is None or level.days > after_days:
            return level
    return None


def next_date(levels: Sequence[LevelRule], invoice: OpenInvoice) -> date | None:
    """Return when the invoice's next level fires, or None when none is left."""
    level = next_level(levels, invoice.level_days)
    return None if level is None else invoice.due_date + timedelta(days=level.days)


def customer_next_date(levels: Sequence[LevelRule], invoices: Iterable[OpenInvoice]) -> date | None:
    """Return the earliest date any of the customer's invoices reaches its next level."""
    dates = [d for d in (next_date(levels, inv) for inv in invoices) if d is not None]
    return min(dates, default=None)


def reached_level(levels: Sequence[LevelRule], invoice: OpenInvoice, on: date) -> LevelRule | None:
    """Return the highest level newly reached by ``on`` (skipped levels are not replayed)."""
    reached = None
    for level in sorted_levels(levels):
        after_last = invoice.level_days is None or level.days > invoice.level_days
        if after_last and invoice.due_date + timedelta(days=level.days) <= on:
            reached = level
    return reached


def due_action(
    levels: Sequence[LevelRule], invoices: Sequence[OpenInvoice], on: date
) -> DueAction | None:
    """Return what the customer is due on ``on``, or None when nothing fires."""
    reached = {inv.id: lvl for inv in invoices if (lvl := reached_level(levels, inv, on))}
    if not reached:
        return None
    top = max(reached.values(), key=lambda level: (level.days, level.id))
    listed = tuple(
        sorted(
            (inv for inv in invoices if inv.due_date <= on or inv.id in reached),
            key=lambda inv: (inv.due_date, inv.id),
        )
    )
    return DueAction(top, {i: lvl.days for i, lvl in reached.items()}, listed)


def idempotency_key(contact_id: int, level_id: int, channel: str, on: date) -> str:
    """Return the outbox key of one follow-up message: a re-run never sends it twice."""
    return f"followup:{contact_id}:{level_id}:{channel}:{on.isoformat()}"


def pick_locale(templates: Mapping[str, Mapping[str, str]], language: str | None) -> str:
    """Return the customer's language if the level has text in it, else en, fa, ar."""
    for locale in (language, "en", "fa", "ar"):
        if locale and any((templates.get(locale) or {}).values()):
            return locale
    return language or "fa"


def check_level(
    *,
    description: str,
    days: int,
    channels: Iterable[str],
    templates: Mapping[str, Mapping[str, str]],
    activity_type: str | None,
    activity_summary: str,
) -> None:
    """Raise ValidationFailed naming every bad field of a level (F1)."""
    errors: dict[str, str] = {}
    if not description.strip() or len(description) > 200:
        errors["description"] = "required, at most 200 characters"
    if not MIN_DAYS <= days <= MAX_DAYS:
        errors["days"] = f"must be between {MIN_DAYS} and {MAX_DAYS}"
    channels = list(channels)
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        errors["channels"] = f"unknown channel(s) {', '.join(unknown)}; use {', '.join(CHANNELS)}"
    errors.update(_template_errors(templates, channels))
    if activity_type is not None and activity_type not in ACTIVITY_TYPES:
        errors["activity_type"] = f"must be one of: {', '.join(ACTIVITY_TYPES)}"
    if activity_type is not None and not activity_summary.strip():
        errors["activity_summary"] = "an activity needs a summary"
    if errors:
        raise ValidationFailed(errors)


def _template_errors(
    templates: Mapping[str, Mapping[str, str]], channels: list[str]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for locale, parts in templates.items():
        if locale not in LOCALES:
            errors[f"templates.{locale}"] = f"unknown language; use {', '.join(LOCALES)}"
            continue
        for part in parts:
            if part not in TEMPLATE_PARTS:
                errors[f"templates.{locale}.{part}"] = f"use {', '.join(TEMPLATE_PARTS)}"
    needs = {"body": BODY_CHANNELS, "subject": {Channel.EMAIL}, "sms": {Channel.SMS}}
    for part, users in needs.items():
        if users & set(channels) and not any((t or {}).get(part) for t in templates.values()):
            errors[f"templates.{part}"] = f"needed by channel(s) {', '.join(sorted(users))}"
    return errors
