"""Column types that keep money exact and times aware on every database."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import DateTime, Dialect, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

from engine.models.decimal_text import ARITHMETIC, decode, encode

SCALE = 4
PRECISION = 30  # 26 integer digits: totals up to 10^21 and sums of them (issue 10 #9)


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal with 4 places: NUMERIC(30, 4) on PostgreSQL, ordered text on SQLite.

    SQLite has no decimal type (a float loses digits, a 64-bit integer of
    ten-thousandths stops at 9.2·10^14); decimal_text keeps values exact there, with
    comparisons and ORDER BY as written and +, -, × and SUM through its functions.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = PRECISION, scale: int = SCALE) -> None:
        super().__init__(precision=precision, scale=scale)

    class comparator_factory(TypeDecorator.Comparator[Decimal]):  # noqa: N801
        """Arithmetic that stays exact on SQLite (plain SQL on PostgreSQL)."""

        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            if op in ARITHMETIC:
                return ARITHMETIC[op](self.expr, *other, type_=self.type)
            return super().operate(op, *other, **kwargs)

        def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
            if op in ARITHMETIC:
                return ARITHMETIC[op](other, self.expr, type_=self.type)
            return super().reverse_operate(op, other, **kwargs)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        numeric = cast(Numeric[Decimal], self.impl)
        return dialect.type_descriptor(Numeric(numeric.precision, numeric.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money and quantities are Decimal, never float")
        amount = Decimal(value)
        if dialect.name == "sqlite":
            return encode(amount)
        return amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return decode(value)
        return Decimal(value)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
