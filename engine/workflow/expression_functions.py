"""The functions, indexing and slicing of BPMN expressions (docs/expressions.md).

Expressions may call only the functions in FUNCTIONS; each checks its arguments' types
and keeps results within the limits of engine.workflow.expression_values (issue 10 #1).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, cast

from engine.workflow.expression_values import (
    CONTAINERS,
    MAX_DIGITS,
    SCALARS,
    ExpressionFailed,
    arithmetic,
    check_value,
    is_number,
    truth,
)


def item(container: Any, key: Any) -> Any:
    """``container[key]`` for a mapping, list, tuple or string; raises ExpressionFailed."""
    if isinstance(container, list | tuple | str) and not (
        isinstance(key, int) and not isinstance(key, bool)
    ):
        raise ExpressionFailed("a list or string index must be a whole number")
    if not isinstance(container, (str, *CONTAINERS)):
        raise ExpressionFailed(f"cannot index {type(container).__name__}")
    try:
        return container[key]
    except (KeyError, IndexError, TypeError) as exc:
        raise ExpressionFailed(f"no item {key!r}") from exc


def slice_of(container: Any, lower: Any, upper: Any) -> Any:
    """``container[lower:upper]`` for a list, tuple or string; raises ExpressionFailed."""
    if not isinstance(container, list | tuple | str):
        raise ExpressionFailed(f"cannot slice {type(container).__name__}")
    for bound in (lower, upper):
        if bound is not None and not (isinstance(bound, int) and not isinstance(bound, bool)):
            raise ExpressionFailed("slice bounds must be whole numbers")
    return container[lower:upper]


def _sequence(value: Any, name: str) -> list[Any] | tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise ExpressionFailed(f"{name}() needs a list, not {type(value).__name__}")
    return value


def _number_arg(value: Any, name: str) -> int | Decimal:
    if not is_number(value):
        raise ExpressionFailed(f"{name}() needs a number, not {type(value).__name__}")
    return value  # type: ignore[no-any-return]


def _extreme(pick: Callable[[Iterable[Any]], Any], name: str, args: tuple[Any, ...]) -> Any:
    items = _sequence(args[0], name) if len(args) == 1 else args
    if not items:
        raise ExpressionFailed(f"{name}() of nothing")
    try:
        return pick(items)
    except TypeError as exc:
        raise ExpressionFailed(f"{name}() of values that cannot be compared") from exc


def _round(value: Any, digits: Any = None) -> int | Decimal:
    number = _number_arg(value, "round")
    if digits is None:
        return round(number)
    if not isinstance(digits, int) or isinstance(digits, bool) or abs(digits) > MAX_DIGITS:
        raise ExpressionFailed(f"round() digits must be a whole number up to {MAX_DIGITS}")
    try:
        return cast(int | Decimal, round(number, digits))
    except ArithmeticError as exc:
        raise ExpressionFailed("round() result too precise") from exc


def _int(value: Any) -> int:
    if isinstance(value, bool | int | Decimal):
        return int(value)
    if isinstance(value, str) and len(value) <= 2 * MAX_DIGITS:
        try:
            return int(value.strip())
        except ValueError as exc:
            raise ExpressionFailed(f"int() of {value!r}") from exc
    raise ExpressionFailed(f"int() of {type(value).__name__}")


def _decimal(value: Any) -> Decimal:
    if is_number(value):
        return Decimal(value)
    if isinstance(value, str) and len(value) <= 2 * MAX_DIGITS:
        try:
            return Decimal(value.strip())
        except ArithmeticError as exc:
            raise ExpressionFailed(f"Decimal() of {value!r}") from exc
    raise ExpressionFailed(f"Decimal() of {type(value).__name__}")


def _str(value: Any) -> str:
    if value is None or isinstance(value, (bool, *SCALARS)):
        return str(value)
    raise ExpressionFailed(f"str() of {type(value).__name__}")


def _sum(values: Any) -> int | Decimal:
    total: int | Decimal = 0
    for value in _sequence(values, "sum"):
        total = arithmetic(ast.Add(), total, _number_arg(check_value(value), "sum"))
    return total


def _len(value: Any) -> int:
    if not isinstance(value, (str, *CONTAINERS)):
        raise ExpressionFailed(f"len() of {type(value).__name__}")
    return len(value)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": lambda value: abs(_number_arg(value, "abs")),
    "all": lambda values: all(truth(v) for v in _sequence(values, "all")),
    "any": lambda values: any(truth(v) for v in _sequence(values, "any")),
    "bool": truth,
    "Decimal": _decimal,
    "int": _int,
    "len": _len,
    "max": lambda *args: _extreme(max, "max", args),
    "min": lambda *args: _extreme(min, "min", args),
    "round": _round,
    "str": _str,
    "sum": _sum,
}
