"""Interpret BPMN expressions: a small whitelisted language, never eval'ed (docs/expressions.md).

Gateway conditions, timer expressions and operator parameters are written in a subset
of Python expression syntax. ``compile_expression`` parses one with ``ast`` and checks
it against a whitelist of node kinds and size limits (issue 10 #1: the former
``eval`` behind a name filter let a generator frame walk reach ``__import__``);
``evaluate_expression`` walks the checked tree itself. Nothing is ever compiled to a
code object: names are looked up in the task data only, calls go only to FUNCTIONS
below, there are no attributes, and numbers are int or Decimal kept under
MAX_DIGITS digits.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from engine.workflow.expression_functions import FUNCTIONS, item, slice_of
from engine.workflow.expression_values import (
    MAX_STRING_LENGTH,
    ExpressionFailed,
    ExpressionRejected,
    UnknownName,
    arithmetic,
    check_value,
    compare,
    decimal_context,
    truth,
)

__all__ = [
    "ExpressionFailed",
    "ExpressionRejected",
    "UnknownName",
    "compile_expression",
    "evaluate_expression",
]

MAX_EXPRESSION_LENGTH = 1000
MAX_NODES = 200
MAX_DEPTH = 32

_LEAF_NODES = (
    ast.Load,
    ast.And,
    ast.Or,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Pow,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
)
_NODES = (
    ast.Expression,
    ast.Constant,
    ast.Name,
    ast.BoolOp,
    ast.UnaryOp,
    ast.BinOp,
    ast.Compare,
    ast.IfExp,
    ast.Subscript,
    ast.Slice,
    ast.List,
    ast.Tuple,
    ast.Call,
    *_LEAF_NODES,
)


@lru_cache(maxsize=1024)
def compile_expression(expression: str, functions: frozenset[str] = frozenset()) -> ast.Expression:
    """Parse and statically check one expression; return its (read-only) syntax tree.

    ``functions`` names the functions a caller adds to FUNCTIONS (the people an assignee
    expression may name, issue 12 §4). Raises ExpressionRejected if it is too long or
    too big, is not a single expression, or uses anything outside the language
    (attributes, comprehensions, lambdas, f-strings, unknown functions, names starting
    with ``_``...).
    """
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ExpressionRejected(f"expression longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        message = exc.msg if isinstance(exc, SyntaxError) else type(exc).__name__
        raise ExpressionRejected(f"not a valid expression: {message}") from exc
    count = [0]
    _check(tree, 0, count, functions)
    return tree


def evaluate_expression(
    expression: str,
    names: Mapping[str, Any],
    functions: Mapping[str, Callable[..., Any]] | None = None,
) -> Any:
    """Evaluate ``expression`` over ``names`` (the task data), with ``functions`` callable
    besides FUNCTIONS.

    Raises ExpressionRejected if the expression is refused, UnknownName for a name
    not in ``names`` and ExpressionFailed for any other error (wrong types, a limit
    exceeded, division by zero, a missing key...).
    """
    extra = dict(functions or {})
    tree = compile_expression(expression, frozenset(extra))
    with decimal_context():
        return _Interpreter(names, {**FUNCTIONS, **extra}).run(tree.body)


def _check(node: ast.AST, depth: int, count: list[int], functions: frozenset[str]) -> None:
    """Refuse any node outside the language, or a tree too deep or too big."""
    count[0] += 1
    if count[0] > MAX_NODES:
        raise ExpressionRejected(f"expression has more than {MAX_NODES} parts")
    if depth > MAX_DEPTH:
        raise ExpressionRejected(f"expression nested deeper than {MAX_DEPTH} levels")
    if isinstance(node, ast.Attribute):
        raise ExpressionRejected(f"attribute {node.attr!r} is not allowed")
    if not isinstance(node, _NODES):
        raise ExpressionRejected(f"{type(node).__name__} is not allowed in an expression")
    _check_node(node, functions)
    for child in ast.iter_child_nodes(node):
        _check(child, depth + 1, count, functions)


def _check_node(node: ast.AST, functions: frozenset[str]) -> None:
    if isinstance(node, ast.Name) and (node.id.startswith("_") or not node.id.isascii()):
        raise ExpressionRejected(f"name {node.id!r} is not allowed")
    if isinstance(node, ast.Constant):
        _check_constant(node.value)
    if isinstance(node, ast.Call):
        known = isinstance(node.func, ast.Name) and (
            node.func.id in FUNCTIONS or node.func.id in functions
        )
        if not known:
            what = node.func.id if isinstance(node.func, ast.Name) else type(node.func).__name__
            raise ExpressionRejected(f"calling {what!r} is not allowed")
        if node.keywords:
            raise ExpressionRejected("keyword arguments are not allowed")
    if isinstance(node, ast.Compare):
        for op, right in zip(node.ops, node.comparators, strict=True):
            is_none = isinstance(right, ast.Constant) and right.value is None
            if isinstance(op, ast.Is | ast.IsNot) and not is_none:
                raise ExpressionRejected("'is' and 'is not' are allowed only with None")
    if isinstance(node, ast.Slice) and node.step is not None:
        raise ExpressionRejected("slices with a step are not allowed")


def _check_constant(value: object) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        if len(value) > MAX_STRING_LENGTH:
            raise ExpressionRejected("string constant too long")
        return
    if isinstance(value, int | float):
        try:
            check_value(value)
        except ExpressionFailed as exc:
            raise ExpressionRejected(str(exc)) from exc
        return
    raise ExpressionRejected(f"{type(value).__name__} constants are not allowed")


class _Interpreter:
    """Evaluate a checked tree; every value passes check_value."""

    def __init__(self, names: Mapping[str, Any], functions: Mapping[str, Any]) -> None:
        self.names = names
        self.functions = functions

    def run(self, node: ast.expr) -> Any:
        method = getattr(self, f"_{type(node).__name__.lower()}", None)
        if method is None:  # compile_expression refused it already
            raise ExpressionRejected(f"{type(node).__name__} is not allowed in an expression")
        return check_value(method(node))

    def _constant(self, node: ast.Constant) -> Any:
        return node.value

    def _name(self, node: ast.Name) -> Any:
        if node.id not in self.names:
            raise UnknownName(f"name {node.id!r} is not defined")
        return self.names[node.id]

    def _boolop(self, node: ast.BoolOp) -> Any:
        value: Any = None
        for operand in node.values:
            value = self.run(operand)
            if truth(value) == isinstance(node.op, ast.Or):
                return value
        return value

    def _unaryop(self, node: ast.UnaryOp) -> Any:
        operand = self.run(node.operand)
        if isinstance(node.op, ast.Not):
            return not truth(operand)
        return arithmetic(node.op, 0, operand)

    def _binop(self, node: ast.BinOp) -> Any:
        return arithmetic(node.op, self.run(node.left), self.run(node.right))

    def _compare(self, node: ast.Compare) -> bool:
        left = self.run(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.run(comparator)
            if not compare(op, left, right):
                return False
            left = right
        return True

    def _ifexp(self, node: ast.IfExp) -> Any:
        return self.run(node.body if truth(self.run(node.test)) else node.orelse)

    def _subscript(self, node: ast.Subscript) -> Any:
        container = self.run(node.value)
        if isinstance(node.slice, ast.Slice):
            lower = self.run(node.slice.lower) if node.slice.lower else None
            upper = self.run(node.slice.upper) if node.slice.upper else None
            return slice_of(container, lower, upper)
        return item(container, self.run(node.slice))

    def _list(self, node: ast.List) -> list[Any]:
        return [self.run(element) for element in node.elts]

    def _tuple(self, node: ast.Tuple) -> tuple[Any, ...]:
        return tuple(self.run(element) for element in node.elts)

    def _call(self, node: ast.Call) -> Any:
        assert isinstance(node.func, ast.Name)  # compile_expression checked it
        args = [self.run(arg) for arg in node.args]
        try:
            return self.functions[node.func.id](*args)
        except TypeError as exc:  # wrong number of arguments
            raise ExpressionFailed(f"{node.func.id}(): {exc}") from exc
