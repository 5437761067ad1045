"""Marshmallow fields for money, quantities, numbers typed with Persian digits, and text.

Every API input goes through these (a test checks no schema uses marshmallow's plain
Integer, String or Date), so the bounds of engine/domain/bounds.py hold everywhere:
integers in the INTEGER columns' 32-bit range (ids from 1), dates in
DATE_MIN..DATE_MAX, decimals with at most 4 places and at most 10^21, text without
NUL or lone surrogates and at most TEXT_MAX characters unless the field says
otherwise (issue 10 #9).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from engine.domain import bounds
from engine.domain.errors import ValidationFailed
from engine.domain.localize import clean_typed, plain_number
from engine.domain.money import to_decimal


def _reason(error: ValidationFailed) -> str:
    return next(iter(error.fields.values()))[0]


class DecimalString(fields.Field):  # type: ignore[type-arg]
    """A Decimal sent and received as a string ("98100000"); Persian/Arabic digits accepted.

    ``places`` (default 4, the stored scale) more decimals are refused, not rounded.
    """

    def __init__(self, *, places: int = bounds.PLACES, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.places = places

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return plain_number(Decimal(value))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        field = attr or "value"
        try:
            number = to_decimal(value, field=field)
            return bounds.check_number(number, field=field, places=self.places)
        except ValidationFailed as error:
            raise ValidationError(_reason(error)) from error


class OptionalDecimalString(DecimalString):
    """A DecimalString where empty text means no value (None): ``credit_limit: ""`` is
    unlimited credit (issue 14 §8)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return super()._deserialize(value, attr, data, **kwargs)


class LocalInteger(fields.Integer):
    """An integer in bounds.INT_MIN..INT_MAX, maybe a string of Persian or Arabic digits.

    ``minimum``/``maximum`` narrow the range (``Id`` and ``Offset`` below).
    """

    def __init__(
        self, *, minimum: int = bounds.INT_MIN, maximum: int = bounds.INT_MAX, **kwargs: Any
    ) -> None:
        super().__init__(strict=False, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str):
            value = clean_typed(value)
            if len(value) > 25:  # int() of a long text is slow and never in range
                raise self.make_error("invalid")
        if isinstance(value, float) and value == value and not value.is_integer():
            raise self.make_error("invalid")  # 1.5 is not silently 1
        number = int(super()._deserialize(value, attr, data, **kwargs))
        if not self.minimum <= number <= self.maximum:
            raise ValidationError(f"must be between {self.minimum} and {self.maximum}")
        return number


def Id(**kwargs: Any) -> LocalInteger:  # noqa: N802  (a field factory, used like a class)
    """A record id: 1..2^31-1."""
    return LocalInteger(minimum=bounds.ID_MIN, **kwargs)


def Offset(**kwargs: Any) -> LocalInteger:  # noqa: N802
    """A paging offset: 0..OFFSET_MAX."""
    kwargs.setdefault("load_default", 0)
    return LocalInteger(minimum=0, maximum=bounds.OFFSET_MAX, **kwargs)


class LocalDate(fields.Date):
    """An ISO date in DATE_MIN..DATE_MAX that may be typed with Persian or Arabic digits."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = clean_typed(value)
        day = super()._deserialize(value, attr, data, **kwargs)
        try:
            return bounds.check_date(day, field=attr or "date")
        except ValidationFailed as error:
            raise ValidationError(_reason(error)) from error


class Text(fields.String):
    """A string without NUL or lone surrogates, at most ``max_length`` (TEXT_MAX) characters."""

    def __init__(self, *, max_length: int | None = bounds.TEXT_MAX, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = bounds.text_problem(text, maximum=self.max_length)
        if problem is not None:
            raise ValidationError(problem)
        return text


__all__ = ["DecimalString", "Id", "LocalDate", "LocalInteger", "Offset", "Text", "validate"]
