"""The values, operators and functions of BPMN expressions (docs/expressions.md).

Every operation checks its operands' types and refuses a result that would break the
limits *before* computing it, so ``'x' * 10**9`` or ``9 ** 9 ** 9`` fail at once
instead of hanging the server (issue 10 #1). Numbers are int (exact) or Decimal; a
float met in the task data is read as the Decimal of its shortest repr.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Any, cast

MAX_DIGITS = 30
MAX_STRING_LENGTH = 100_000
MAX_EXPONENT = 100

_LIMIT = 10**MAX_DIGITS
_CONTEXT = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emax=2 * MAX_DIGITS,
    Emin=-2 * MAX_DIGITS,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
SCALARS = (str, int, Decimal, dt.datetime, dt.date, dt.time, dt.timedelta)
CONTAINERS = (list, tuple, dict)


class ExpressionRejected(ValueError):
    """An expression uses something the language does not allow (found before running)."""


class ExpressionFailed(ValueError):
    """An allowed expression failed while evaluated: wrong types, a limit, a missing key."""


class UnknownName(ExpressionFailed, NameError):
    """An expression names something that is not in the task data."""


def decimal_context() -> AbstractContextManager[Context]:
    """The Decimal context expressions run in: 28 digits, bounded exponents, traps on."""
    return localcontext(_CONTEXT)


def check_value(value: Any) -> Any:
    """Return ``value`` (a float as its shortest Decimal) if expressions may hold it.

    Raises ExpressionFailed for a value of another type or beyond the limits.
    """
    if isinstance(value, float):
        value = Decimal(repr(value))
    if value is None or isinstance(value, (bool, *CONTAINERS)):
        return value
    if isinstance(value, int):
        if abs(value) >= _LIMIT:
            raise ExpressionFailed(f"number with more than {MAX_DIGITS} digits")
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ExpressionFailed("number is not finite")
        if not value.is_zero() and value.adjusted() >= MAX_DIGITS:
            raise ExpressionFailed(f"number with more than {MAX_DIGITS} digits")
    elif isinstance(value, str):
        if len(value) > MAX_STRING_LENGTH:
            raise ExpressionFailed(f"string longer than {MAX_STRING_LENGTH} characters")
    elif not isinstance(value, SCALARS):
        raise ExpressionFailed(f"values of type {type(value).__name__} are not allowed")
    return value


def truth(value: Any) -> bool:
    """Python truthiness of an allowed value."""
    return bool(check_value(value))


def is_number(value: Any) -> bool:
    """True for int (not bool) and Decimal."""
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def arithmetic(op: ast.operator | ast.unaryop, left: Any, right: Any) -> Any:
    """Apply ``left op right`` (a unary op gets ``left`` = 0); raises ExpressionFailed."""
    binary: ast.operator
    if isinstance(op, ast.UAdd | ast.USub):
        binary = ast.Add() if isinstance(op, ast.UAdd) else ast.Sub()
        if not is_number(right):
            raise ExpressionFailed(f"unary sign needs a number, not {type(right).__name__}")
    elif isinstance(op, ast.operator):
        binary = op
    else:
        raise ExpressionFailed(f"operator {type(op).__name__} is not allowed")
    if is_number(left) and is_number(right):
        try:
            return check_value(_numeric(binary, left, right))
        except ArithmeticError as exc:
            raise ExpressionFailed(f"arithmetic error: {type(exc).__name__}") from exc
    if isinstance(binary, ast.Add) and isinstance(left, str) and isinstance(right, str):
        _check_length(len(left) + len(right))
        return left + right
    if isinstance(binary, ast.Mult) and isinstance(left, str) and is_number(right):
        return _repeat(left, right)
    if isinstance(binary, ast.Mult) and is_number(left) and isinstance(right, str):
        return _repeat(right, left)
    raise ExpressionFailed(
        f"cannot apply {type(binary).__name__} to {type(left).__name__} and {type(right).__name__}"
    )


_OPERATIONS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}


def _numeric(op: ast.operator, left: int | Decimal, right: int | Decimal) -> int | Decimal:
    """Exact on two ints (``/`` gives a Decimal), Decimal otherwise."""
    if isinstance(op, ast.Pow):
        return _power(left, right)
    operation = _OPERATIONS.get(type(op))
    if operation is None:
        raise ExpressionFailed(f"operator {type(op).__name__} is not allowed")
    if isinstance(op, ast.Div) or not (isinstance(left, int) and isinstance(right, int)):
        return cast(Decimal, operation(Decimal(left), Decimal(right)))
    return cast(int, operation(left, right))


def _power(base: int | Decimal, exponent: int | Decimal) -> int | Decimal:
    if not isinstance(exponent, int) or abs(exponent) > MAX_EXPONENT:
        raise ExpressionFailed(
            f"** needs a whole exponent between -{MAX_EXPONENT} and {MAX_EXPONENT}"
        )
    if isinstance(base, int) and exponent >= 0:
        if abs(base) > 1 and abs(base).bit_length() * exponent > 4 * MAX_DIGITS:
            raise ExpressionFailed(f"number with more than {MAX_DIGITS} digits")
        return cast(int, base**exponent)
    return Decimal(base) ** exponent


def _repeat(text: str, times: int | Decimal) -> str:
    if not isinstance(times, int):
        raise ExpressionFailed("a string can only be repeated a whole number of times")
    _check_length(len(text) * max(times, 0))
    return text * times


def _check_length(length: int) -> None:
    if length > MAX_STRING_LENGTH:
        raise ExpressionFailed(f"string longer than {MAX_STRING_LENGTH} characters")


def compare(op: ast.cmpop, left: Any, right: Any) -> bool:
    """Apply one comparison of a (possibly chained) Compare; raises ExpressionFailed."""
    if isinstance(op, ast.Is | ast.IsNot):
        return (left is None) == isinstance(op, ast.Is)
    if isinstance(op, ast.In | ast.NotIn):
        return _contains(right, left) == isinstance(op, ast.In)
    comparison = _COMPARISONS.get(type(op))
    if comparison is None:
        raise ExpressionFailed(f"comparison {type(op).__name__} is not allowed")
    try:
        return bool(comparison(left, right))
    except (TypeError, ArithmeticError) as exc:
        raise ExpressionFailed(
            f"cannot compare {type(left).__name__} and {type(right).__name__}"
        ) from exc


_COMPARISONS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def _contains(container: Any, member: Any) -> bool:
    if isinstance(container, str) and not isinstance(member, str):
        raise ExpressionFailed("'in' a string needs a string")
    if not isinstance(container, (str, *CONTAINERS)):
        raise ExpressionFailed(
            f"'in' needs a string, list or mapping, not {type(container).__name__}"
        )
    try:
        return member in container
    except TypeError as exc:
        raise ExpressionFailed(f"cannot look up {type(member).__name__} in a mapping") from exc
