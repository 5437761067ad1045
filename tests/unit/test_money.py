"""Money parsing, rounding and formatting (ARCHITECTURE §3, SPEC I7, T3.19)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from engine.domain.errors import ValidationFailed
from engine.domain.money import (
    MINOR_UNITS,
    check_scale,
    format_amount,
    normalize_digits,
    round_money,
    to_decimal,
)

PERSIAN = str.maketrans("0123456789.", "۰۱۲۳۴۵۶۷۸۹٫")
ARABIC = str.maketrans("0123456789.", "٠١٢٣٤٥٦٧٨٩٫")


def reason_for(exc: pytest.ExceptionInfo[ValidationFailed], field: str) -> str:
    return exc.value.fields[field][0]


# --- round_money -------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.5", "IRR", "3"),
        ("3.5", "IRR", "4"),
        ("2.4999", "IRR", "2"),
        ("-2.5", "IRR", "-3"),
        ("1.005", "USD", "1.01"),
        ("1.004", "EUR", "1.00"),
        ("7.5", "IRT", "8"),
    ],
)
def test_round_money_rounds_half_up_to_the_minor_unit(
    amount: str, currency: str, expected: str
) -> None:
    """ARCHITECTURE §3: ROUND_HALF_UP, not banker's rounding."""
    result = round_money(Decimal(amount), currency)
    assert result == Decimal(expected)
    assert str(result) == expected


def test_round_money_defaults_to_rial_with_no_minor_unit() -> None:
    assert round_money(Decimal("8100000.5")) == Decimal("8100001")


def test_round_money_never_returns_negative_zero() -> None:
    assert str(round_money(Decimal("-0.4"))) == "0"


def test_round_money_rejects_unknown_currency() -> None:
    with pytest.raises(ValidationFailed) as exc:
        round_money(Decimal(1), "XYZ")
    assert "currency" in exc.value.fields


def test_round_money_refuses_a_float() -> None:
    with pytest.raises(TypeError):
        round_money(2.5)  # type: ignore[arg-type]


def test_minor_units_cover_the_supported_currencies() -> None:
    assert MINOR_UNITS == {"IRR": 0, "IRT": 0, "USD": 2, "EUR": 2, "AED": 2, "SAR": 2}


# --- to_decimal ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90000000", "90000000"),
        ("90,000,000", "90000000"),
        ("۹۰٬۰۰۰٬۰۰۰", "90000000"),
        ("٩٠٬٠٠٠٬٠٠٠", "90000000"),
        ("۱۲٫۵", "12.5"),
        ("12.50", "12.5"),
        ("  -3.25 ", "-3.25"),
        ("+7", "7"),
        ("−۵", "-5"),
        (".5", "0.5"),
        ("5.", "5"),
        ("1,2,3", "123"),
        ("\u200f۵۰۰\u200f", "500"),
        ("-0", "0"),
    ],
)
def test_to_decimal_parses_localized_text(text: str, expected: str) -> None:
    result = to_decimal(text, field="amount")
    assert result == Decimal(expected)
    assert str(result) == expected


def test_to_decimal_accepts_int_and_decimal() -> None:
    assert to_decimal(42, field="q") == Decimal(42)
    assert str(to_decimal(Decimal("1.500"), field="q")) == "1.5"
    assert str(to_decimal(Decimal("1E+3"), field="q")) == "1000"


def test_to_decimal_rejects_float_with_its_own_reason() -> None:
    """Money is never float (ARCHITECTURE §3)."""
    with pytest.raises(ValidationFailed) as exc:
        to_decimal(0.1, field="unit_price")
    assert reason_for(exc, "unit_price") == "must be a decimal string, not a float"


@pytest.mark.parametrize(
    "value", ["NaN", "nan", "Infinity", "-inf", Decimal("NaN"), Decimal("-Inf")]
)
def test_to_decimal_rejects_non_finite_values(value: object) -> None:
    with pytest.raises(ValidationFailed) as exc:
        to_decimal(value, field="x")
    assert reason_for(exc, "x") == "must be a finite number"


@pytest.mark.parametrize(
    "value", ["1,2,3.4.5", "abc", "1e3", "12a", ".", "-", "1,,2", ",5", "1.2,3", "- 5", True, [1]]
)
def test_to_decimal_rejects_garbage(value: object) -> None:
    with pytest.raises(ValidationFailed) as exc:
        to_decimal(value, field="x")
    assert reason_for(exc, "x") == "is not a number"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_to_decimal_rejects_missing_values(value: object) -> None:
    with pytest.raises(ValidationFailed) as exc:
        to_decimal(value, field="x")
    assert reason_for(exc, "x") == "is required"


decimals = st.decimals(
    allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15, places=4
)


@settings(max_examples=200, deadline=None)
@given(value=decimals, digits=st.sampled_from([PERSIAN, ARABIC]))
def test_to_decimal_reads_any_decimal_written_in_persian_or_arabic_digits(
    value: Decimal, digits: dict[int, str]
) -> None:
    text = format(value, "f").translate(digits)
    assert to_decimal(text, field="x") == value


@settings(max_examples=200, deadline=None)
@given(value=decimals)
def test_to_decimal_reads_back_format_amount_output(value: Decimal) -> None:
    for digits in ("latin", "persian", "arabic"):
        assert to_decimal(format_amount(value, places=4, digits=digits), field="x") == value


# --- normalize_digits, check_scale -----------------------------------------------


def test_normalize_digits_maps_persian_and_arabic_digits_only() -> None:
    assert normalize_digits("۱۴۰۵/۰۹/۰۲ ٠١٢٣") == "1405/09/02 0123"


def test_check_scale_ignores_trailing_zeros() -> None:
    check_scale(Decimal("1.500"), 1, field="q")


def test_check_scale_rejects_too_many_places() -> None:
    """T3.21: quantity decimals are limited per type."""
    with pytest.raises(ValidationFailed) as exc:
        check_scale(Decimal("1.2345"), 3, field="quantity")
    assert reason_for(exc, "quantity") == "at most 3 decimal places"


def test_check_scale_zero_places_demands_a_whole_number() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_scale(Decimal("0.5"), 0, field="amount")
    assert reason_for(exc, "amount") == "must be a whole number"


# --- format_amount -------------------------------------------------------------------


def test_format_amount_groups_thousands_in_latin_digits() -> None:
    """I7: the worked example's total shown to the user."""
    assert format_amount(Decimal("98100000")) == "98,100,000"


def test_format_amount_writes_persian_digits_and_separators() -> None:
    assert format_amount(Decimal("1234567.5"), places=2, digits="persian") == "۱٬۲۳۴٬۵۶۷٫۵۰"


def test_format_amount_writes_arabic_indic_digits() -> None:
    assert format_amount(Decimal("98100000"), digits="arabic") == "٩٨٬١٠٠٬٠٠٠"


def test_format_amount_rounds_half_up() -> None:
    """T3.19: whole-number display uses the project's rounding rule."""
    assert format_amount(Decimal("2.5")) == "3"
    assert format_amount(Decimal("-1234.565"), places=2) == "-1,234.57"


def test_format_amount_rejects_unknown_digit_set() -> None:
    with pytest.raises(ValueError):
        format_amount(Decimal(1), digits="roman")
