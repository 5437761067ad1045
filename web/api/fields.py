"""Marshmallow fields for money, quantities and numbers typed with Persian digits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields

from engine.domain.errors import ValidationFailed
from engine.domain.money import normalize_digits, to_decimal


class DecimalString(fields.Field):  # type: ignore[type-arg]
    """A Decimal sent and received as a string ("98100000"); Persian/Arabic digits accepted."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        text = format(Decimal(value).normalize(), "f")
        return text

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        try:
            return to_decimal(value, field=attr or "value")
        except ValidationFailed as error:
            raise ValidationError(next(iter(error.fields.values()))[0]) from error


class LocalInteger(fields.Integer):
    """An integer that may arrive as a string of Persian or Arabic digits."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str):
            value = normalize_digits(value.strip())
        return int(super()._deserialize(value, attr, data, **kwargs))


class LocalDate(fields.Date):
    """An ISO date that may be typed with Persian or Arabic digits."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = normalize_digits(value.strip())
        return super()._deserialize(value, attr, data, **kwargs)
