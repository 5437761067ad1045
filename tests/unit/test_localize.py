"""engine.domain.localize: digits, calendars, money, quantities, percentages, bidi (issue 11 §1).

SPEC E1 (Jalali dates and Persian digits, input in any digits), T3.19 (whole amounts),
T3.21 (the type's quantity decimals).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from marshmallow import Schema

from engine.domain import localize
from engine.domain.errors import ValidationFailed
from engine.domain.money import to_decimal
from web.api.fields import DecimalString, LocalDate, LocalInteger
from web.ui.forms import optional_date, optional_decimal, optional_int

TEHRAN = ZoneInfo("Asia/Tehran")
NOWRUZ = date(2026, 3, 21)  # 1 Farvardin 1405


# --- digits and direction ----------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("fa", "۰۱۲۳۴۵۶۷۸۹"), ("ar", "٠١٢٣٤٥٦٧٨٩"), ("en", "0123456789"), ("de", "0123456789")],
)
def test_local_digits_write_each_languages_script(locale: str, expected: str) -> None:
    assert localize.local_digits("0123456789", locale) == expected


def test_local_digits_leave_other_characters_and_none() -> None:
    assert localize.local_digits("INV-12", "fa") == "INV-۱۲"
    assert localize.local_digits(None, "fa") == ""


def test_direction_is_right_to_left_for_persian_and_arabic_only() -> None:
    assert [localize.direction(x) for x in ("fa", "ar", "en", "xx")] == ["rtl", "rtl", "ltr", "ltr"]


# --- calendars ---------------------------------------------------------------------


def test_persian_dates_are_jalali_in_persian_digits() -> None:
    assert localize.format_date(NOWRUZ, "fa") == "۱۴۰۵/۰۱/۰۱"
    assert localize.format_date(date(2026, 11, 23), "fa") == "۱۴۰۵/۰۹/۰۲"


def test_arabic_dates_are_gregorian_with_slashes_in_arabic_indic_digits() -> None:
    """A hyphen between Arabic-Indic digits would let the bidi algorithm swap the parts."""
    assert localize.format_date(NOWRUZ, "ar") == "٢٠٢٦/٠٣/٢١"


def test_english_dates_are_iso() -> None:
    assert localize.format_date(NOWRUZ, "en") == "2026-03-21"


def test_an_instant_is_shown_as_its_date_in_the_business_zone() -> None:
    evening_utc = datetime(2026, 3, 20, 21, 0, tzinfo=UTC)  # 00:30 on 21 March in Tehran
    assert localize.format_date(evening_utc, "fa", TEHRAN) == "۱۴۰۵/۰۱/۰۱"
    assert localize.format_date(evening_utc, "en", ZoneInfo("UTC")) == "2026-03-20"


def test_an_instant_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        localize.format_date(datetime(2026, 3, 20, 21, 0, tzinfo=UTC), "fa")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("fa", "۱۴۰۵/۰۱/۰۱ ۰۰:۳۰"), ("ar", "٢٠٢٦/٠٣/٢١ ٠٠:٣٠"), ("en", "2026-03-21 00:30")],
)
def test_date_times_are_in_the_business_zone(locale: str, expected: str) -> None:
    moment = datetime(2026, 3, 20, 21, 0, tzinfo=UTC)
    assert localize.format_datetime(moment, locale, TEHRAN) == expected


def test_empty_dates_are_empty_text() -> None:
    assert localize.format_date(None, "fa") == ""
    assert localize.format_datetime(None, "fa", TEHRAN) == ""
    assert localize.input_date(None, "fa") == ""


def test_input_dates_use_ascii_digits_jalali_for_persian() -> None:
    assert localize.input_date(NOWRUZ, "fa") == "1405/01/01"
    assert localize.input_date(NOWRUZ, "ar") == "2026-03-21"


@pytest.mark.parametrize(
    "typed",
    ["1405/01/01", "۱۴۰۵/۰۱/۰۱", "1405-1-1", "2026-03-21", "٢٠٢٦/٠٣/٢١", "\u200f۱۴۰۵/۰۱/۰۱ "],
)
def test_typed_dates_are_read_in_either_calendar_and_any_digits(typed: str) -> None:
    assert localize.parse_date(typed, field="day") == NOWRUZ


@pytest.mark.parametrize("locale", ["fa", "ar", "en"])
def test_shown_dates_read_back(locale: str) -> None:
    shown = localize.format_date(date(2027, 2, 28), locale)
    assert localize.parse_date(shown, field="day") == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("21 March", "must be a date like"),
        ("1405/13/01", "is not a real date"),
        ("2026-02-30", "is not a real date"),
        ("1200/01/01", "must be between"),
    ],
)
def test_bad_typed_dates_name_the_field(typed: str, reason: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        localize.parse_date(typed, field="due_date")
    assert reason in caught.value.fields["due_date"][0]


# --- money, quantities, percentages ------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("fa", "۹۸٬۱۰۰٬۰۰۰"), ("ar", "٩٨٬١٠٠٬٠٠٠"), ("en", "98,100,000")],
)
def test_money_is_grouped_by_thousands_in_the_languages_digits(locale: str, expected: str) -> None:
    assert localize.format_money(Decimal("98100000"), locale) == expected


def test_rial_amounts_are_whole_numbers_rounded_half_up() -> None:
    """T3.19: amounts shown whole; the one rounding rule is half up."""
    assert localize.format_money(Decimal("1234.5"), "en") == "1,235"
    assert localize.format_money(Decimal("1234.49"), "en") == "1,234"


def test_negative_amounts_keep_the_minus_in_front() -> None:
    """In fa and ar the signed run is isolated LTR, or bidi would show "۱٬۲۰۰٬۰۰۰-"."""
    assert localize.format_money(Decimal("-1200000"), "fa") == "\u2066-۱٬۲۰۰٬۰۰۰\u2069"
    assert localize.format_money(Decimal("-1200000"), "ar") == "\u2066-١٬٢٠٠٬٠٠٠\u2069"
    assert localize.format_quantity(Decimal("-2.5"), "fa") == "\u2066-۲٫۵\u2069"
    assert localize.format_money(Decimal("-1234.565"), "en", places=2) == "-1,234.57"
    assert localize.format_money(Decimal("-0.4"), "en") == "0"  # no "-0"


def test_shown_amounts_read_back() -> None:
    for locale in ("fa", "ar", "en"):
        shown = localize.format_money(Decimal("-98100000"), locale)
        assert to_decimal(shown, field="amount") == Decimal("-98100000")


def test_money_refuses_floats_and_shows_none_as_empty() -> None:
    with pytest.raises(TypeError):
        localize.format_money(1.5, "en")  # type: ignore[arg-type]
    assert localize.format_money(None, "fa") == ""
    assert localize.format_money(7, "fa") == "۷"


def test_money_places_follow_the_types_whole_numbers_setting() -> None:
    assert localize.money_places("USD", whole_numbers=True) == 0
    assert localize.money_places("USD", whole_numbers=False) == 2
    assert localize.money_places("IRR", whole_numbers=False) == 0


def test_quantities_show_the_types_decimals() -> None:
    """T3.21: a type with 3 quantity decimals (grams) shows 1.500."""
    assert localize.format_quantity(Decimal("1.5"), "en", 3) == "1.500"
    assert localize.format_quantity(Decimal("1.5"), "fa", 3) == "۱٫۵۰۰"
    assert localize.format_quantity(Decimal("2"), "ar", 0) == "٢"


def test_quantities_never_hide_a_decimal_they_have() -> None:
    assert localize.format_quantity(Decimal("1.2345"), "en", 2) == "1.2345"
    assert localize.format_quantity(Decimal("1250.5000"), "en") == "1,250.5"
    assert localize.format_quantity(None, "en") == ""


@pytest.mark.parametrize(
    ("locale", "expected"), [("fa", "۱۲٫۵٪"), ("ar", "١٢٫٥٪"), ("en", "12.5%")]
)
def test_percentages_use_the_languages_sign(locale: str, expected: str) -> None:
    assert localize.format_percent(Decimal("12.50"), locale) == expected


def test_plain_numbers_for_fields_have_no_exponent() -> None:
    assert localize.plain_number(Decimal("1E+3")) == "1000"
    assert localize.plain_number(Decimal("1.500")) == "1.5"


# --- bidi ----------------------------------------------------------------------------


def test_isolate_wraps_ltr_runs_for_rtl_plain_text() -> None:
    assert localize.isolate("INV-1001", "fa") == "\u2066INV-1001\u2069"
    assert localize.isolate("INV-1001") == "\u2066INV-1001\u2069"


def test_isolate_leaves_ltr_texts_and_empty_values_alone() -> None:
    assert localize.isolate("INV-1001", "en") == "INV-1001"
    assert localize.isolate("", "fa") == ""
    assert localize.isolate(None, "fa") == ""


def test_bdi_escapes_and_isolates_for_html() -> None:
    assert localize.bdi("a<b>&") == '<bdi dir="ltr">\u2066a&lt;b&gt;&amp;\u2069</bdi>'


# --- typed input -------------------------------------------------------------------


def test_clean_typed_drops_direction_marks_and_maps_digits() -> None:
    assert localize.clean_typed(" \u200f۱۲\u200e٣ ") == "123"
    assert localize.normalize_digits("۱۴۰۵/۰۹/۰۲ ٠١٢٣") == "1405/09/02 0123"


def test_every_typed_number_path_drops_pasted_direction_marks() -> None:
    """Forms, the API's integers and its decimals all read through localize.clean_typed."""

    class _In(Schema):
        n = LocalInteger()
        x = DecimalString()
        day = LocalDate()

    typed = {"n": "\u200f۱۲\u200f", "x": "\u200e۱٫۵", "day": "\u2066٢٠٢٦-٠٣-٢١\u2069"}
    assert _In().load(typed) == {"n": 12, "x": Decimal("1.5"), "day": NOWRUZ}
    assert optional_int("\u200f۱۲", field="n") == 12
    assert optional_decimal("\u200f۱٫۵", field="x") == Decimal("1.5")
    assert optional_date("\u200f۱۴۰۵/۰۱/۰۱", field="day") == NOWRUZ
