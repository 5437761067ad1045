"""Issue 10 #9: the shared bounds (engine/domain/bounds.py) and the API fields built on them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from marshmallow import Schema, ValidationError

from engine.domain import bounds
from engine.domain.errors import ValidationFailed
from web.api.fields import DecimalString, Id, LocalDate, LocalInteger, Offset, Text

API = Path(__file__).parents[2] / "web" / "api"


class _In(Schema):
    n = LocalInteger()
    id = Id()
    offset = Offset()
    day = LocalDate()
    price = DecimalString()
    rial = DecimalString(places=0)
    text = Text()


def _error(field: str, value: object) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        _In().load({field: value})
    return caught.value.messages[field]  # type: ignore[index, return-value]


def test_no_api_schema_uses_an_unbounded_marshmallow_field() -> None:
    """Every Integer, String and Date input goes through the bounded fields."""
    plain = re.compile(r"\bfields\.(Integer|Int|String|Str|Date|Float|Number|Decimal)\(")
    offenders = [
        f"{path.name}:{n}"
        for path in sorted(API.glob("*.py"))
        if path.name != "fields.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if plain.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "value",
    [2**31, -(2**31) - 1, 2**63, 2**64, "9" * 30, "۹" * 20, float("inf"), 1.5, "1.5", True],
)
def test_integers_past_the_integer_columns_are_refused(value: object) -> None:
    assert _error("n", value)


def test_integer_bounds_are_inclusive_and_ids_start_at_one() -> None:
    assert _In().load({"n": 2**31 - 1, "id": "۱"}) == {"n": 2**31 - 1, "id": 1, "offset": 0}
    assert _In().load({"n": -(2**31)})["n"] == -(2**31)
    assert _error("id", 0)
    assert _error("offset", bounds.OFFSET_MAX + 1)
    assert _error("offset", -1)


@pytest.mark.parametrize("value", ["0001-01-01", "0621-03-21", "1899-12-31", "3000-01-01"])
def test_dates_outside_the_range_are_refused(value: str) -> None:
    assert "between 1900-01-01 and 2999-12-31" in _error("day", value)[0]


def test_the_range_ends_are_dates() -> None:
    assert _In().load({"day": "۱۹۰۰-۰۱-۰۱"})["day"] == date(1900, 1, 1)
    assert _In().load({"day": "2999-12-31"})["day"] == bounds.DATE_MAX


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1." + "1" * 40, "at most 4 decimal places"),
        ("1.00001", "at most 4 decimal places"),
        ("0.000000001", "at most 4 decimal places"),
        ("1" + "0" * 22, "must not exceed"),
        ("-1" + "0" * 22, "must not exceed"),
        ("NaN", "finite"),
        ("Infinity", "finite"),
        ("1e999999999", "not a number"),
    ],
)
def test_decimals_past_the_scale_or_magnitude_are_refused_not_rounded(
    value: str, reason: str
) -> None:
    assert reason in _error("price", value)[0]


def test_decimals_within_the_scale_keep_their_value() -> None:
    assert _In().load({"price": "1.1230", "rial": "10000000000000000"}) == {
        "offset": 0,
        "price": Decimal("1.123"),
        "rial": Decimal("10000000000000000"),
    }
    assert "whole number" in _error("rial", "1.5")[0]


@pytest.mark.parametrize("value", ["a\x00b", "\ud800", "x\udfff", "y" * (bounds.TEXT_MAX + 1)])
def test_text_with_nul_surrogates_or_too_long_is_refused(value: str) -> None:
    assert _error("text", value)


def test_document_header_names_each_bad_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        bounds.check_document_header(
            issue_date=date(1, 1, 1), due_date=date(3000, 1, 1), notes="n" * 10_001
        )
    assert set(caught.value.fields) == {"issue_date", "due_date", "notes"}
    bounds.check_document_header(issue_date=bounds.DATE_MIN, due_date=None, notes="")
