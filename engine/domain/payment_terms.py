"""Payment terms: instalments and the early-payment discount (SPEC I5, P2; issue 14 §3, §4).

A term is a list of lines, each an instalment: a percentage of the invoice total, a
fixed amount, or the balance (the last line, and only it); each falls due ``days``
after the issue date, after the end of its month or of the next month, or on a
``day`` of the month after (``days`` later). Percent lines round half up in the
invoice's currency (engine.domain.money.round_money); a line never takes more than
is left, and the balance takes the rest.

Instalments are settled oldest due first: what is paid of an invoice fills them in
order, so instalment i, covering the amounts ``start`` to ``start + amount`` of the
total, has ``min(start + amount, total) - max(start, paid)`` open (at least 0). The
SQL form is engine.repositories.documents.installment_open.

An early discount gives ``percent`` off when the invoice is paid within ``days`` of
its issue date. Tax modes: ``included`` takes the percentage of the total with tax;
``excluded`` of the untaxed amount only; ``mixed`` of the untaxed amount too, the
invoice's tax having been computed on the discounted base when it was priced
(:func:`tax_base_discount`).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from engine.domain.errors import ValidationFailed
from engine.domain.money import MINOR_UNITS, check_scale, round_money, to_decimal

MAX_DAYS = 3660  # ten years: a term past that is a typo
MAX_LINES = 24
MAX_NAME = 120
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_E = TypeVar("_E", bound=StrEnum)
_AMOUNT_PLACES = max(MINOR_UNITS.values())  # a fixed line is rounded to the invoice's currency


class LineValue(StrEnum):
    """What an instalment takes of the total."""

    PERCENT = "percent"
    FIXED = "fixed"
    BALANCE = "balance"


class Delay(StrEnum):
    """When an instalment falls due, counted from the invoice's issue date."""

    DAYS_AFTER = "days_after"
    DAYS_AFTER_END_OF_MONTH = "days_after_end_of_month"
    DAYS_AFTER_END_OF_NEXT_MONTH = "days_after_end_of_next_month"
    DAY_OF_NEXT_MONTH = "day_of_next_month"


class TaxMode(StrEnum):
    """What an early discount is a percentage of (issue 14 §4)."""

    INCLUDED = "included"  # the total with tax
    EXCLUDED = "excluded"  # the untaxed amount; tax stays as invoiced
    MIXED = "mixed"  # the untaxed amount; tax invoiced on the discounted base


@dataclass(frozen=True)
class TermLine:
    value: LineValue
    amount: Decimal | None  # a percentage, a fixed amount, or None for the balance
    days: int = 0
    delay: Delay = Delay.DAYS_AFTER
    day: int | None = None  # the day of the month, for DAY_OF_NEXT_MONTH

    def as_dict(self) -> dict[str, object]:
        """Return the line as stored and shown (amounts as decimal strings)."""
        return {
            "value": self.value.value,
            "amount": None if self.amount is None else format(self.amount, "f"),
            "days": self.days,
            "delay": self.delay.value,
            "day": self.day,
        }


@dataclass(frozen=True)
class EarlyDiscount:
    percent: Decimal
    days: int
    tax_mode: TaxMode

    def as_dict(self) -> dict[str, object]:
        """Return the discount as stored and shown."""
        return {
            "percent": format(self.percent, "f"),
            "days": self.days,
            "tax_mode": self.tax_mode.value,
        }


@dataclass(frozen=True)
class Term:
    lines: tuple[TermLine, ...]
    early_discount: EarlyDiscount | None = None


@dataclass(frozen=True)
class Installment:
    """One instalment: its due date, its amount, and what of the total comes before it."""

    due_date: date
    amount: Decimal
    start: Decimal

    def open_amount(self, *, paid: Decimal, total: Decimal) -> Decimal:
        """Return what is still open of it once ``paid`` of ``total`` is paid (oldest first)."""
        return max(min(self.start + self.amount, total) - max(self.start, paid), _ZERO)


def parse_term(lines: object, early_discount: object = None) -> Term:
    """Check a term as a client sends it and return it.

    Raises ``ValidationFailed`` naming every bad field (``lines``, ``lines[2].delay``,
    ``early_discount.tax_mode`` ...).
    """
    errors: dict[str, str] = {}
    parsed: list[TermLine] = []
    if not isinstance(lines, Sequence) or isinstance(lines, str) or not lines:
        errors["lines"] = "a term needs at least one line (the last takes the balance)"
    elif len(lines) > MAX_LINES:
        errors["lines"] = f"at most {MAX_LINES} lines"
    else:
        for i, raw in enumerate(lines):
            line = _parse_line(raw, f"lines[{i}]", last=i == len(lines) - 1, errors=errors)
            if line is not None:
                parsed.append(line)
        percents = sum(
            (ln.amount or _ZERO for ln in parsed if ln.value is LineValue.PERCENT), _ZERO
        )
        if percents >= _HUNDRED and "lines" not in errors:
            errors["lines"] = "the percentages must leave a balance (under 100 in all)"
    discount = None
    if early_discount is not None:
        discount = _parse_discount(early_discount, errors)
    if errors:
        raise ValidationFailed(errors)
    return Term(tuple(parsed), discount)


def schedule(term: Term, *, total: Decimal, issued_on: date, currency: str) -> list[Installment]:
    """Return the instalments of an invoice of ``total`` issued on ``issued_on``, oldest
    due first (lines due the same day keep their order); none has a zero amount, but
    a zero total has one instalment of 0.

    Raises ``ValidationFailed`` on ``issue_date`` when a due date would pass year 9999.
    """
    left = total
    due: list[tuple[date, Decimal]] = []
    for line in term.lines:
        amount = _line_amount(line, total=total, left=left, currency=currency)
        left -= amount
        due.append((line_due_date(line, issued_on), amount))
    due = [d for d in due if d[1] > 0] or [due[-1]]
    due.sort(key=lambda d: d[0])  # stable: same-day lines keep the term's order
    out, start = [], _ZERO
    for due_on, amount in due:
        out.append(Installment(due_on, amount, start))
        start += amount
    return out


def line_due_date(line: TermLine, issued_on: date) -> date:
    """Return the day ``line`` falls due for an invoice issued on ``issued_on``."""
    try:
        if line.delay is Delay.DAYS_AFTER:
            return issued_on + timedelta(days=line.days)
        if line.delay is Delay.DAYS_AFTER_END_OF_MONTH:
            return _month_end(issued_on, 0) + timedelta(days=line.days)
        if line.delay is Delay.DAYS_AFTER_END_OF_NEXT_MONTH:
            return _month_end(issued_on, 1) + timedelta(days=line.days)
        month_end = _month_end(issued_on + timedelta(days=line.days), 1)
        return month_end.replace(day=min(line.day or 1, month_end.day))
    except (OverflowError, ValueError) as exc:
        raise ValidationFailed.single("issue_date", "the term's due dates pass year 9999") from exc


def tax_base_discount(term: Term | None) -> Decimal:
    """Return the percentage the tax base is reduced by at pricing: a ``mixed`` early
    discount's, otherwise 0."""
    discount = term.early_discount if term else None
    if discount is None or discount.tax_mode is not TaxMode.MIXED:
        return _ZERO
    return discount.percent


def discount_amount(
    discount: EarlyDiscount, *, total: Decimal, tax: Decimal, levy: Decimal, currency: str
) -> Decimal:
    """Return the early discount on an invoice, rounded half up in its currency."""
    base = total if discount.tax_mode is TaxMode.INCLUDED else total - tax - levy
    return round_money(base * discount.percent / _HUNDRED, currency)


def discount_date(discount: EarlyDiscount, issued_on: date) -> date:
    """Return the last day a payment earns the early discount."""
    try:
        return issued_on + timedelta(days=discount.days)
    except OverflowError as exc:
        raise ValidationFailed.single("issue_date", "the discount date passes year 9999") from exc


def earns_discount(
    *, amount: Decimal, open_: Decimal, discount: Decimal, received_on: date, until: date | None
) -> bool:
    """Tell whether a payment of ``amount`` received on ``received_on`` settles an
    invoice with ``open_`` open and the early discount ``discount`` still to give."""
    return (
        until is not None and discount > 0 and received_on <= until and amount + discount == open_
    )


def term_from_stored(
    lines: Sequence[Mapping[str, object]], early_discount: Mapping[str, object] | None
) -> Term:
    """Return a term from the form it is stored in (as_dict of its parts)."""
    return parse_term(list(lines), dict(early_discount) if early_discount else None)


def _parse_line(raw: object, where: str, *, last: bool, errors: dict[str, str]) -> TermLine | None:
    if not isinstance(raw, Mapping):
        errors[where] = "must be an object"
        return None
    bad = len(errors)
    value = _enum(LineValue, raw.get("value"), f"{where}.value", errors)
    delay = _enum(Delay, raw.get("delay", Delay.DAYS_AFTER.value), f"{where}.delay", errors)
    days = _whole(raw.get("days", 0), f"{where}.days", 0, MAX_DAYS, errors)
    day = raw.get("day")
    if delay is Delay.DAY_OF_NEXT_MONTH:
        day = _whole(day, f"{where}.day", 1, 31, errors)
    elif day is not None:
        errors[f"{where}.day"] = "only a day_of_next_month line takes a day"
    if value is LineValue.BALANCE and not last:
        errors[f"{where}.value"] = "only the last line takes the balance"
    elif value is not None and value is not LineValue.BALANCE and last:
        errors[f"{where}.value"] = "the last line must be balance: it takes what is left"
    amount = _line_value_amount(value, raw.get("amount"), where, errors)
    if len(errors) > bad or value is None or delay is None:
        return None
    return TermLine(value, amount, int(str(days)), delay, day if isinstance(day, int) else None)


def _line_value_amount(
    value: LineValue | None, raw: object, where: str, errors: dict[str, str]
) -> Decimal | None:
    field = f"{where}.amount"
    if value is LineValue.BALANCE or value is None:
        if raw not in (None, "") and value is LineValue.BALANCE:
            errors[field] = "a balance line takes no amount"
        return None
    try:
        amount = to_decimal(raw, field=field)
        check_scale(amount, 4 if value is LineValue.PERCENT else _AMOUNT_PLACES, field=field)
    except ValidationFailed as error:
        errors.update({k: v[0] for k, v in error.fields.items()})
        return None
    if amount <= 0:
        errors[field] = "must be greater than zero"
    elif value is LineValue.PERCENT and amount >= _HUNDRED:
        errors[field] = "must be under 100"
    return amount


def _parse_discount(raw: object, errors: dict[str, str]) -> EarlyDiscount | None:
    if not isinstance(raw, Mapping):
        errors["early_discount"] = "must be an object or null"
        return None
    bad = len(errors)
    percent = None
    try:
        percent = to_decimal(raw.get("percent"), field="early_discount.percent")
        check_scale(percent, 4, field="early_discount.percent")
        if not _ZERO < percent < _HUNDRED:
            errors["early_discount.percent"] = "must be over 0 and under 100"
    except ValidationFailed as error:
        errors.update({k: v[0] for k, v in error.fields.items()})
    days = _whole(raw.get("days"), "early_discount.days", 0, MAX_DAYS, errors)
    mode = _enum(TaxMode, raw.get("tax_mode"), "early_discount.tax_mode", errors)
    if len(errors) > bad or percent is None or mode is None or days is None:
        return None
    return EarlyDiscount(percent, days, mode)


def _enum(kind: type[_E], raw: object, field: str, errors: dict[str, str]) -> _E | None:
    if isinstance(raw, str) and raw in {e.value for e in kind}:
        return kind(raw)
    errors[field] = f"must be one of: {', '.join(e.value for e in kind)}"
    return None


def _whole(raw: object, field: str, low: int, high: int, errors: dict[str, str]) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, int):
        errors[field] = "is required" if raw is None else "must be a whole number"
        return None
    if not low <= raw <= high:
        errors[field] = f"must be from {low} to {high}"
        return None
    return raw


def _line_amount(line: TermLine, *, total: Decimal, left: Decimal, currency: str) -> Decimal:
    if line.value is LineValue.BALANCE or line.amount is None:
        return max(left, _ZERO)
    if line.value is LineValue.PERCENT:
        wanted = round_money(total * line.amount / _HUNDRED, currency)
    else:
        wanted = round_money(line.amount, currency)
    return max(min(wanted, left), _ZERO)


def _month_end(day: date, months_after: int) -> date:
    index = day.year * 12 + (day.month - 1) + months_after
    year, month = divmod(index, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])
