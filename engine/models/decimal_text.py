"""Exact decimals on SQLite past 64 bits: an order-preserving text form and SQL functions.

SQLite has no decimal type: a float loses cents past 2^53 and a scaled 64-bit integer
stops at 9.2·10^14 with 4 places (issue 10 #9: a realistic Rial invoice). ExactDecimal
stores on SQLite a fixed-width text whose byte order is the numeric order, so
comparisons, ORDER BY, MIN/MAX, GROUP BY and equality work as written; the few
arithmetic operations the queries use (+, -, × and SUM, also as a window) go through
functions registered on each connection (:func:`register_functions`). PostgreSQL
keeps NUMERIC and plain SQL (the same expressions compile to ``a - b`` and ``sum``).

Form: ``P`` then the value × 10^4 as 34 digits (a dot before the last 4) for values
≥ 0; ``N`` then 10^34 + value × 10^4 the same way for negatives ('N' < 'P', and a
larger negative has a larger complement). |value| < 10^30.
"""

from __future__ import annotations

import operator
from decimal import Context, Decimal, localcontext
from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import functions
from sqlalchemy.sql.compiler import SQLCompiler

SCALE = 4
_DIGITS = 34
_FACTOR = Decimal(10) ** SCALE
_LIMIT = 10**_DIGITS
_UNIT = 10_000  # 10^SCALE as an int
_EXACT = Context(prec=80)
_NAMES = {operator.add: "add", operator.sub: "sub", operator.mul: "mul"}


def encode(value: Decimal) -> str:
    """Return the ordered text form of ``value`` rounded half-even to 4 places.

    Raises OverflowError when |value| ≥ 10^30 (past any total the app accepts).
    """
    with localcontext(_EXACT):
        scaled = int((value * _FACTOR).to_integral_value())
    if not -_LIMIT < scaled < _LIMIT:
        raise OverflowError(f"{value} is too large to store")
    digits = f"{scaled if scaled >= 0 else _LIMIT + scaled:0{_DIGITS}d}"
    return ("P" if scaled >= 0 else "N") + digits[:-SCALE] + "." + digits[-SCALE:]


def decode(value: object) -> Decimal:
    """Return the Decimal held by ``value``: the text form, or a plain SQL number.

    Plain integers come from SQL literals (``coalesce(sum(x), 0)``) and count as units.
    """
    if isinstance(value, str) and value[:1] in ("P", "N"):
        scaled = int(value[1:].replace(".", ""))
        if value[0] == "N":
            scaled -= _LIMIT
        return (Decimal(scaled) / _FACTOR).quantize(Decimal(1).scaleb(-SCALE))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        return Decimal(value)
    raise TypeError(f"not an exact decimal: {value!r}")


def _binary(name: str) -> Any:
    op = {"add": operator.add, "sub": operator.sub, "mul": operator.mul}[name]

    def apply(a: object, b: object) -> str | None:
        if a is None or b is None:
            return None
        with localcontext(_EXACT):
            return encode(op(decode(a), decode(b)))

    return apply


def _scaled(value: object) -> int:
    """Return ``value`` × 10^4 as an integer (the text form, or a plain SQL integer)."""
    if isinstance(value, str) and value[:1] in ("P", "N"):
        scaled = int(value[1:].replace(".", ""))
        return scaled - _LIMIT if value[0] == "N" else scaled
    return int(decode(value) * _FACTOR)


class _Sum:
    """SUM for SQLite, as an aggregate and a window: exact over text and integers."""

    def __init__(self) -> None:
        self.total = 0  # in ten-thousandths: integer sums are exact and fast
        self.rows = 0
        self.text = False

    def step(self, value: object) -> None:
        if value is None:
            return
        self.rows += 1
        self.text = self.text or isinstance(value, str)
        self.total += _scaled(value)

    def inverse(self, value: object) -> None:
        if value is None:
            return
        self.rows -= 1
        self.total -= _scaled(value)

    def value(self) -> str | int | None:
        if self.rows == 0:
            return None
        if self.text:
            return encode(Decimal(self.total) / _FACTOR)
        return self.total // _UNIT

    def finalize(self) -> str | int | None:
        return self.value()


def register_functions(dbapi_connection: Any) -> None:
    """Give a sqlite3 connection the exact ``xdec_add/sub/mul`` and ``xdec_sum``."""
    for name in _NAMES.values():
        dbapi_connection.create_function(f"xdec_{name}", 2, _binary(name), deterministic=True)
    dbapi_connection.create_window_function("xdec_sum", 1, _Sum)


class xdec_add(functions.GenericFunction[Decimal]):  # noqa: N801  (SQL function names)
    """``a + b`` on exact decimals: plain SQL, or the registered function on SQLite."""

    inherit_cache = True
    symbol = "+"


class xdec_sub(functions.GenericFunction[Decimal]):  # noqa: N801
    """``a - b`` on exact decimals."""

    inherit_cache = True
    symbol = "-"


class xdec_mul(functions.GenericFunction[Decimal]):  # noqa: N801
    """``a * b`` on exact decimals."""

    inherit_cache = True
    symbol = "*"


ARITHMETIC: dict[Any, type[functions.GenericFunction[Decimal]]] = {
    operator.add: xdec_add,
    operator.sub: xdec_sub,
    operator.mul: xdec_mul,
}


@compiles(xdec_add)
@compiles(xdec_sub)
@compiles(xdec_mul)
def _compile_arithmetic(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    left, right = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"({left} {element.symbol} {right})"


@compiles(functions.sum, "sqlite")
def _compile_sum_sqlite(element: functions.sum[Any], compiler: SQLCompiler, **kw: Any) -> str:
    # Every SUM on SQLite is exact: over ExactDecimal text, and over plain integers
    # (counts) it answers an integer as SQLite's own would.
    return f"xdec_sum({compiler.process(element.clauses, **kw)})"


@compiles(xdec_add, "sqlite")
@compiles(xdec_sub, "sqlite")
@compiles(xdec_mul, "sqlite")
def _compile_arithmetic_sqlite(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.visit_function(element, **kw)


class xdec_greatest(functions.GenericFunction[Decimal]):  # noqa: N801
    """The larger of two exact decimals: ``greatest``, or SQLite's two-argument ``max``
    (the text form orders as the numbers do)."""

    inherit_cache = True


class xdec_least(functions.GenericFunction[Decimal]):  # noqa: N801
    """The smaller of two exact decimals: ``least``, or SQLite's ``min``."""

    inherit_cache = True


@compiles(xdec_greatest)
def _compile_greatest(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    return f"greatest({compiler.process(element.clauses, **kw)})"


@compiles(xdec_least)
def _compile_least(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    return f"least({compiler.process(element.clauses, **kw)})"


@compiles(xdec_greatest, "sqlite")
def _compile_greatest_sqlite(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


@compiles(xdec_least, "sqlite")
def _compile_least_sqlite(element: Any, compiler: SQLCompiler, **kw: Any) -> str:
    return f"min({compiler.process(element.clauses, **kw)})"
