"""Money values: parsing user input, the one rounding rule, and display formatting.

Money is ``Decimal`` end to end; floats are refused wherever they could slip in
(ARCHITECTURE §3). Input may use Persian or Arabic-Indic digits, the Arabic decimal
separator and thousands separators, as users in Iran and the Gulf type them.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from engine.domain.digits import (
    ARABIC_DECIMAL,
    ARABIC_THOUSANDS,
    clean_typed,
    normalize_digits as normalize_digits,  # for older callers
    write_digits,
)
from engine.domain.errors import ValidationFailed

MINOR_UNITS: dict[str, int] = {"IRR": 0, "IRT": 0, "USD": 2, "EUR": 2, "AED": 2, "SAR": 2}

_MINUS_SIGNS = "-\u2212"  # ASCII hyphen-minus and the Unicode minus sign

# Thousands separators are accepted loosely (anywhere between digits of the integer
# part); a second decimal point or a separator in the fraction is refused.
_NUMBER = re.compile(r"([+-]?)(\d+(?:,\d+)*|(?=\.\d))(?:\.(\d*))?")
_NON_FINITE = re.compile(r"[+-]?(nan|snan|inf|infinity)", re.IGNORECASE)

# Wide enough that quantizing any realistic amount never overflows the precision.
_ROUNDING_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)


def round_money(amount: Decimal, currency: str = "IRR") -> Decimal:
    """Round ``amount`` to the minor unit of ``currency`` with ROUND_HALF_UP.

    This is THE one rounding rule of the project (ARCHITECTURE §3): half up, to the
    currency's minor unit (the Rial has none, so Rial amounts become whole numbers).
    Raises ``ValidationFailed`` on ``currency`` for an unknown currency code, and
    ``TypeError`` for a float.
    """
    places = MINOR_UNITS.get(currency)
    if places is None:
        raise ValidationFailed.single("currency", f"unknown currency {currency!r}")
    return _quantize(amount, places)


def to_decimal(value: object, *, field: str) -> Decimal:
    """Parse user input (Decimal, int or str) into a finite, normalized Decimal.

    Strings may carry Persian or Arabic-Indic digits, ``٫`` or ``.`` as the decimal
    separator, ``,`` or ``٬`` as thousands separators, surrounding whitespace and a
    leading sign. The result has no trailing fractional zeros and no exponent
    (``"1.500"`` → ``Decimal("1.5")``, ``"-0"`` → ``Decimal("0")``).
    Raises ``ValidationFailed`` on ``field`` for floats, bools, None, empty text,
    NaN or infinity, and anything else that is not a number.
    """
    if isinstance(value, float):
        raise ValidationFailed.single(field, "must be a decimal string, not a float")
    if value is None:
        raise ValidationFailed.single(field, "is required")
    if isinstance(value, bool):
        raise ValidationFailed.single(field, "is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        number = _parse_text(value, field=field)
    else:
        raise ValidationFailed.single(field, "is not a number")
    if not number.is_finite():
        raise ValidationFailed.single(field, "must be a finite number")
    return _strip(number)


def check_scale(value: Decimal, places: int, *, field: str) -> None:
    """Raise ``ValidationFailed`` on ``field`` if ``value`` has more than ``places`` decimals.

    Trailing zeros do not count: ``1.500`` has one decimal place.
    """
    exponent = _strip(value).as_tuple().exponent
    assert isinstance(exponent, int)  # _strip refuses non-finite values
    if -exponent > places:
        reason = "must be a whole number" if places == 0 else f"at most {places} decimal places"
        raise ValidationFailed.single(field, reason)


def format_amount(amount: Decimal, *, places: int = 0, digits: str = "latin") -> str:
    """Format ``amount`` with thousands separators, rounded half up to ``places``.

    ``digits`` is ``"latin"`` (``1,234.50``), ``"persian"`` (``۱٬۲۳۴٫۵۰``) or
    ``"arabic"`` (``١٬٢٣٤٫٥٠``). Raises ``ValueError`` for another ``digits`` value.
    """
    text = format(_quantize(amount, places), f",.{places}f")
    if digits == "latin":
        return text
    marks = str.maketrans({",": ARABIC_THOUSANDS, ".": ARABIC_DECIMAL})
    return write_digits(text.translate(marks), digits)


def _quantize(amount: Decimal, places: int) -> Decimal:
    """Round ``amount`` half up to ``places`` decimal places, refusing floats."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError("cannot round a non-finite amount")
    result = amount.quantize(Decimal(1).scaleb(-places), context=_ROUNDING_CONTEXT)
    return result + 0 if result.is_zero() else result  # no "-0" after rounding


def _parse_text(text: str, *, field: str) -> Decimal:
    """Parse a localized number string into a Decimal, or raise ValidationFailed."""
    cleaned = clean_typed(text)
    cleaned = cleaned.replace(ARABIC_DECIMAL, ".").replace(ARABIC_THOUSANDS, ",")
    if cleaned and cleaned[0] in _MINUS_SIGNS:
        cleaned = "-" + cleaned[1:]
    if not cleaned:
        raise ValidationFailed.single(field, "is required")
    if _NON_FINITE.fullmatch(cleaned):
        raise ValidationFailed.single(field, "must be a finite number")
    match = _NUMBER.fullmatch(cleaned)
    if match is None:
        raise ValidationFailed.single(field, "is not a number")
    sign, whole, fraction = match.groups()
    try:
        return Decimal(f"{sign}{whole.replace(',', '') or '0'}.{fraction or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise ValidationFailed.single(field, "is not a number") from exc


def _strip(value: Decimal) -> Decimal:
    """Drop trailing fractional zeros and any exponent, exactly (no context rounding)."""
    if not value.is_finite():
        raise ValueError("cannot normalize a non-finite amount")
    if value.is_zero():
        return Decimal(0)
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    digit_list = list(digits)
    while exponent < 0 and digit_list[-1] == 0:
        digit_list.pop()
        exponent += 1
    if exponent > 0:
        digit_list.extend([0] * exponent)
        exponent = 0
    return Decimal((sign, tuple(digit_list), exponent))
