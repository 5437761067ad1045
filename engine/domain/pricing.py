"""Document totals: lines, additions, tax and levy (SPEC T3.18-T3.20, T3.23, I7).

The pricing rule, the project's contract. ``round`` is ``money.round_money`` (half up
to the currency's minor unit) and is applied only where written here.

1. Each line: ``gross = round(quantity × unit_price)``;
   ``discount = round(gross × discount_percent / 100) + discount_amount``, never more
   than ``gross``; ``net = gross − discount``.
2. ``subtotal`` = Σ gross; ``discount`` = Σ line discounts, or the override (T3.18);
   ``N = subtotal − discount`` (so an overridden discount flows into everything below;
   the per-line figures stay as computed).
3. Additions (T3.23), each rounded on its own:
   FIXED → ``round(value)``;
   PERCENT of BEFORE_DISCOUNT → ``round(subtotal × p / 100)``;
   PERCENT of BEFORE_TAX → ``round(N × p / 100)``;
   PERCENT of FINAL → computed last, ``round((N + non-final additions + tax + levy) × p
   / 100)``; several FINAL additions share that base and never compound. A FINAL
   addition may be neither taxable nor leviable.
4. ``tax = round((N + taxable additions) × tax_percent / 100)``;
   ``levy = round((N + leviable additions) × levy_percent / 100)``; levy (عوارض) is
   separate from tax (T3.20). Overrides replace either. Under a payment term whose
   early discount is "mixed" (issue 14 §4), both are computed on the base less the
   discount's percentage: ``round(base × (100 − d) / 100 × rate / 100)``.
5. ``total = N + additions + tax + levy`` = subtotal − discount + additions + tax + levy.

I7: 1 × 90,000,000 IRR at 9% tax, no levy → tax 8,100,000, total 98,100,000.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Context, Decimal, localcontext
from enum import StrEnum
from typing import TypeVar

from engine.domain import bounds
from engine.domain.errors import ValidationFailed
from engine.domain.money import MINOR_UNITS, check_scale, round_money, to_decimal

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
# Exact arithmetic for any realistic amount; rounding happens only via round_money.
_EXACT = Context(prec=60)


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal = Decimal(0)
    discount_amount: Decimal = Decimal(0)


class AdditionKind(StrEnum):
    FIXED = "fixed"
    PERCENT = "percent"


class AdditionBasis(StrEnum):
    FINAL = "final"
    BEFORE_DISCOUNT = "before_discount"
    BEFORE_TAX = "before_tax"


@dataclass(frozen=True)
class AdditionInput:
    name: str
    kind: AdditionKind
    value: Decimal  # an amount for FIXED, a percentage for PERCENT
    basis: AdditionBasis | None = None  # required for PERCENT, None for FIXED
    taxable: bool = False
    leviable: bool = False


@dataclass(frozen=True)
class PricingRules:
    tax_percent: Decimal
    levy_percent: Decimal
    currency: str = "IRR"
    # A "mixed" early discount's percentage: tax and levy are computed on the base
    # less it (engine.domain.payment_terms, issue 14 §4).
    tax_base_discount: Decimal = Decimal(0)


@dataclass(frozen=True)
class Overrides:
    """Totals typed by hand (T3.18); None means use the computed value."""

    discount: Decimal | None = None
    tax: Decimal | None = None
    levy: Decimal | None = None


@dataclass(frozen=True)
class LineTotal:
    gross: Decimal
    discount: Decimal
    net: Decimal


@dataclass(frozen=True)
class AdditionTotal:
    name: str
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineTotal, ...]
    additions_detail: tuple[AdditionTotal, ...]
    subtotal: Decimal
    discount: Decimal
    additions: Decimal
    tax: Decimal
    levy: Decimal
    total: Decimal

    def as_dict(self) -> dict[str, str]:
        """Return the document-level totals as plain decimal strings."""
        names = ("subtotal", "discount", "additions", "tax", "levy", "total")
        return {name: format(getattr(self, name), "f") for name in names}


_NO_OVERRIDES = Overrides()
_E = TypeVar("_E", bound=StrEnum)


class _Checker:
    """Collect field errors so one ValidationFailed can name all of them."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, reason: str) -> None:
        """Record one reason against ``field``."""
        self.errors.setdefault(field, []).append(reason)

    def merge(self, exc: ValidationFailed) -> None:
        """Record every reason carried by ``exc``."""
        for field, reasons in exc.fields.items():
            self.errors.setdefault(field, []).extend(reasons)

    def number(self, value: object, field: str, *, maximum: Decimal | None = None) -> Decimal:
        """Parse a non-negative Decimal, recording an error (and returning 0) if bad."""
        try:
            parsed = to_decimal(value, field=field)
        except ValidationFailed as exc:
            self.merge(exc)
            return Decimal(0)
        if parsed < 0:
            self.add(field, "must not be negative")
        elif maximum is not None and parsed > maximum:
            self.add(field, f"must not exceed {maximum}")
        elif parsed > bounds.NUMBER_MAX:  # issue 10 #9: no typed number past 10^21
            self.add(field, f"must not exceed {bounds.NUMBER_MAX:,}")
        return parsed

    def scale(self, value: Decimal, places: int, field: str) -> None:
        """Record an error if ``value`` has more than ``places`` decimals."""
        try:
            check_scale(value, places, field=field)
        except ValidationFailed as exc:
            self.merge(exc)

    def raise_if_any(self) -> None:
        """Raise ValidationFailed if any error was recorded."""
        if self.errors:
            raise ValidationFailed(self.errors)


def validate_addition(addition: AdditionInput, *, field: str) -> None:
    """Check one addition's settings; ``field`` prefixes error keys (``additions[0]``).

    Raises ``ValidationFailed`` naming ``{field}.name``, ``.kind``, ``.value``,
    ``.basis``, ``.taxable`` or ``.leviable``.
    """
    checker = _Checker()
    _check_addition(addition, field, checker)
    checker.raise_if_any()


def price_document(
    lines: Sequence[LineInput],
    rules: PricingRules,
    additions: Sequence[AdditionInput] = (),
    overrides: Overrides = _NO_OVERRIDES,
) -> Totals:
    """Compute a document's totals by the rule in this module's docstring.

    Raises ``ValidationFailed`` naming every bad input at once: ``tax_percent``,
    ``levy_percent``, ``currency``, ``lines[i].quantity``, ``lines[i].unit_price``,
    ``lines[i].discount_percent``, ``lines[i].discount_amount``, ``additions[i].*``,
    ``overrides.discount``, ``overrides.tax``, ``overrides.levy``.
    """
    checker = _Checker()
    tax_percent, levy_percent = _check_rules(rules, checker)
    checker.raise_if_any()  # type settings: without a valid currency nothing can be rounded
    currency = rules.currency
    with localcontext(_EXACT):
        line_totals = tuple(
            _price_line(line, f"lines[{i}]", currency, checker) for i, line in enumerate(lines)
        )
        parsed = [_check_addition(a, f"additions[{i}]", checker) for i, a in enumerate(additions)]
        subtotal = sum((line.gross for line in line_totals), _ZERO)
        typed = _check_overrides(overrides, subtotal, currency, checker)
        checker.raise_if_any()
        parsed_rules = replace(rules, tax_percent=tax_percent, levy_percent=levy_percent)
        totals = _total_up(line_totals, parsed, parsed_rules, typed)
    if totals.total > bounds.TOTAL_MAX:  # the columns hold 26 integer digits (issue 10 #9)
        raise ValidationFailed.single("lines", f"the total must not exceed {bounds.TOTAL_MAX:,}")
    return totals


def _total_up(
    lines: tuple[LineTotal, ...],
    additions: Sequence[AdditionInput],
    rules: PricingRules,
    overrides: Overrides,
) -> Totals:
    """Combine priced lines, additions, tax and levy into the document's totals."""
    currency = rules.currency
    subtotal = sum((line.gross for line in lines), _ZERO)
    discount = overrides.discount
    if discount is None:
        discount = sum((line.discount for line in lines), _ZERO)
    net = subtotal - discount
    amounts: dict[int, Decimal] = {}
    for i, addition in enumerate(additions):
        if addition.basis is not AdditionBasis.FINAL:
            amounts[i] = _addition_amount(addition, subtotal, net, currency)
    taxable = net + sum((amounts[i] for i, a in enumerate(additions) if a.taxable), _ZERO)
    leviable = net + sum((amounts[i] for i, a in enumerate(additions) if a.leviable), _ZERO)
    tax, levy = overrides.tax, overrides.levy
    kept = (_HUNDRED - rules.tax_base_discount) / _HUNDRED
    if tax is None:
        tax = _percent_of(taxable * kept, rules.tax_percent, currency)
    if levy is None:
        levy = _percent_of(leviable * kept, rules.levy_percent, currency)
    rest = net + sum(amounts.values(), _ZERO) + tax + levy
    for i, addition in enumerate(additions):
        if addition.basis is AdditionBasis.FINAL:  # T3.23: last, on everything else
            amounts[i] = _percent_of(rest, addition.value, currency)
    added = sum(amounts.values(), _ZERO)
    return Totals(
        lines=lines,
        additions_detail=tuple(AdditionTotal(a.name, amounts[i]) for i, a in enumerate(additions)),
        subtotal=subtotal,
        discount=discount,
        additions=added,
        tax=tax,
        levy=levy,
        total=net + added + tax + levy,
    )


def _addition_amount(
    addition: AdditionInput, subtotal: Decimal, net: Decimal, currency: str
) -> Decimal:
    """Return a fixed, before-discount or before-tax addition's rounded amount."""
    if addition.kind is AdditionKind.FIXED:
        return round_money(addition.value, currency)
    if addition.basis is AdditionBasis.BEFORE_DISCOUNT:
        return _percent_of(subtotal, addition.value, currency)
    return _percent_of(net, addition.value, currency)


def _percent_of(amount: Decimal, percent: Decimal, currency: str) -> Decimal:
    """Return ``percent``% of ``amount``, rounded by the one money rule."""
    return round_money(amount * percent / _HUNDRED, currency)


def _check_rules(rules: PricingRules, checker: _Checker) -> tuple[Decimal, Decimal]:
    """Parse the type's tax and levy percentages and check its currency."""
    if rules.currency not in MINOR_UNITS:
        checker.add("currency", f"unknown currency {rules.currency!r}")
    tax = checker.number(rules.tax_percent, "tax_percent")
    levy = checker.number(rules.levy_percent, "levy_percent")
    return tax, levy


def _price_line(line: LineInput, prefix: str, currency: str, checker: _Checker) -> LineTotal:
    """Price one line; bad fields are recorded on ``checker`` under ``prefix``."""
    quantity = checker.number(line.quantity, f"{prefix}.quantity")
    unit_price = checker.number(line.unit_price, f"{prefix}.unit_price")
    percent = checker.number(line.discount_percent, f"{prefix}.discount_percent", maximum=_HUNDRED)
    amount = checker.number(line.discount_amount, f"{prefix}.discount_amount")
    checker.scale(amount, MINOR_UNITS[currency], f"{prefix}.discount_amount")
    # Stored with 4 places: a longer price or percent is refused, never rounded (issue 10 #9).
    checker.scale(unit_price, bounds.PLACES, f"{prefix}.unit_price")
    checker.scale(percent, bounds.PLACES, f"{prefix}.discount_percent")
    gross = round_money(quantity * unit_price, currency)
    if gross > bounds.TOTAL_MAX:
        checker.add(f"{prefix}.quantity", f"the line total must not exceed {bounds.TOTAL_MAX:,}")
    discount = _percent_of(gross, percent, currency) + amount
    line_ok = not any(field.startswith(f"{prefix}.") for field in checker.errors)
    if line_ok and discount > gross:
        checker.add(f"{prefix}.discount_amount", f"discount {discount} exceeds line total {gross}")
    return LineTotal(gross=gross, discount=discount, net=gross - discount)


def _check_addition(addition: AdditionInput, prefix: str, checker: _Checker) -> AdditionInput:
    """Check one addition and return it with its value parsed and enums coerced."""
    if not isinstance(addition.name, str) or not addition.name.strip():
        checker.add(f"{prefix}.name", "is required")
    value = checker.number(addition.value, f"{prefix}.value")
    kind = _coerce(AdditionKind, addition.kind, f"{prefix}.kind", checker)
    basis = None
    if kind is AdditionKind.PERCENT:
        if addition.basis is None:
            checker.add(f"{prefix}.basis", "is required for a percentage addition")
        else:
            basis = _coerce(AdditionBasis, addition.basis, f"{prefix}.basis", checker)
    elif kind is AdditionKind.FIXED and addition.basis is not None:
        checker.add(f"{prefix}.basis", "must be empty for a fixed addition")
    if basis is AdditionBasis.FINAL:  # T3.23: a share of the final amount cannot be taxed
        if addition.taxable:
            checker.add(f"{prefix}.taxable", "a percentage of the final amount cannot be taxable")
        if addition.leviable:
            checker.add(f"{prefix}.leviable", "a percentage of the final amount cannot be leviable")
    return replace(addition, value=value, kind=kind or AdditionKind.FIXED, basis=basis)


def _coerce(enum: type[_E], raw: object, field: str, checker: _Checker) -> _E | None:
    """Return ``raw`` as a member of ``enum``, or record an error and return None."""
    try:
        if isinstance(raw, str):
            return enum(raw)
    except ValueError:
        pass
    checker.add(field, f"must be one of {', '.join(m.value for m in enum)}")
    return None


def _check_overrides(
    overrides: Overrides, subtotal: Decimal, currency: str, checker: _Checker
) -> Overrides:
    """Parse hand-typed totals (T3.18): non-negative, in minor units, discount ≤ subtotal."""
    places = MINOR_UNITS[currency]
    typed: dict[str, Decimal | None] = {}
    for name in ("discount", "tax", "levy"):
        raw, field = getattr(overrides, name), f"overrides.{name}"
        value = None if raw is None else checker.number(raw, field)
        if value is not None:
            checker.scale(value, places, field)
            value = round_money(value, currency)  # same value, at the currency's scale
        typed[name] = value
    if typed["discount"] is not None and typed["discount"] > subtotal:
        checker.add("overrides.discount", f"must not exceed the subtotal {subtotal}")
    return Overrides(**typed)
