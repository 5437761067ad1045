"""A bounded Jinja sandbox for message texts people write (issue 10 #3; F1, F5, C4).

jinja2's sandbox keeps a template away from Python internals but not from work:
``{{ 9 ** (9 ** 9) }}`` computes for hours and ``{{ 'x' * 30000000 }}`` makes 30 MB, holding the
interpreter lock of whatever process renders. Here a render is bounded:

- numbers: an integer made by ``**``, ``*`` or ``+`` has at most ``MAX_INT_BITS`` bits, and
  the operation is refused *before* it runs when its result would be larger;
- values: a string, list or mapping made inside a template (``*``, ``+``, ``~``, a filter,
  a method call) weighs at most ``MAX_VALUE_SIZE`` characters or items; repetition,
  ``join``, ``replace``, ``center``, ``indent``, widths in ``%`` formats, ``batch`` and
  ``slice`` are checked before they allocate; widening string methods are not reachable;
- work: loop iterations, calls, operators and filters count against ``MAX_STEPS`` and a
  wall clock of ``MAX_SECONDS`` (``range`` keeps jinja's own cap of 100,000 items);
- output: everything a render produces, buffered in macros and blocks too, is at most
  ``MAX_PRODUCED`` characters, and what it returns at most the limit of the message part
  (``PART_LIMITS``: subject, email/letter body, SMS).

The limits are in engine.text_limits; docs/security.md lists them.

``<<`` and ``>>`` are not Jinja operators, so there is nothing to bound there. A render
that crosses a limit raises :class:`LimitExceeded` (a jinja2 SecurityError).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any

from jinja2 import BaseLoader, StrictUndefined, Template, TemplateSyntaxError, nodes, pass_context
from jinja2.exceptions import TemplateError, TemplateNotFound
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer
from markupsafe import soft_str

from engine.text_limits import (
    MAX_PRODUCED,
    MAX_SECONDS,
    MAX_SOURCE,
    MAX_STEPS,
    MAX_VALUE_SIZE,
    LimitExceeded,
    check_binop,
    check_str_format,
    checked,
    need,
    precheck_filter,
    weight,
)

_TOO_LARGE = f"a value larger than {MAX_VALUE_SIZE:,} characters"

# str methods that make a longer string than they are given; the filters are checked.
_WIDENING = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "join", "replace", "format"}
    | {"format_map", "translate", "maketrans"}
)


@dataclass
class _Budget:
    deadline: float
    steps: int = MAX_STEPS
    produced: int = 0


_state = threading.local()


def _budget() -> _Budget | None:
    return getattr(_state, "budget", None)


def _tick() -> None:
    budget = _budget()
    if budget is None:
        return
    budget.steps -= 1
    if budget.steps < 0:
        raise LimitExceeded(f"the text does too much work (over {MAX_STEPS:,} steps)")
    if time.monotonic() > budget.deadline:
        raise LimitExceeded(f"the text takes longer than {MAX_SECONDS:g} s to render")


def _guarded(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        for value in (*args, *kwargs.values()):  # a list literal may repeat a long string
            need(weight(value) <= MAX_VALUE_SIZE, _TOO_LARGE)
        args = precheck_filter(name, args, kwargs)
        return checked(func(*args, **kwargs))

    return guarded


# The three filters below take the context so that jinja never folds them at compile
# time (a constant would escape the count).
@pass_context
def _steps(_context: Context, iterable: Iterable[Any]) -> Iterator[Any]:
    """Yield a loop's items, counting each against the render's budget."""
    for item in iterable:
        _tick()
        yield item


@pass_context
def _produced(_context: Context, value: Any) -> Any:
    """Count what an output tag writes (buffered or not) against the render's budget."""
    budget = _budget()
    too_much = f"the text makes over {MAX_PRODUCED:,} characters"
    need(weight(value, MAX_PRODUCED) <= MAX_PRODUCED, too_much)  # before str() makes it
    if budget is not None:
        budget.produced += len(str(value))
        need(budget.produced <= MAX_PRODUCED, too_much)
    return value


@pass_context
def _joined(context: Context, values: tuple[Any, ...]) -> str:
    """Join the operands of ``~``, refusing the result before it is made if too long."""
    parts, size = [], 0
    for value in values:
        need(weight(value) <= MAX_VALUE_SIZE, _TOO_LARGE)
        parts.append(soft_str(value))
        size += len(parts[-1])
        need(size <= MAX_VALUE_SIZE, _TOO_LARGE)
    joined: str = (markup_join if context.eval_ctx.autoescape else str_join)(parts)
    return joined


class _Bounds(NodeTransformer):
    """Route loops, ``~`` joins and every output through the budget checks."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "_steps", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        operands = nodes.Tuple(node.nodes, "load", lineno=node.lineno)
        return nodes.Filter(operands, "_joined", [], [], None, None, lineno=node.lineno)

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [self._counted(child) for child in node.nodes]
        return node

    @staticmethod
    def _counted(child: nodes.Expr) -> nodes.Expr:
        if isinstance(child, nodes.TemplateData):
            child = nodes.MarkSafeIfAutoescape(nodes.Const(child.data), lineno=child.lineno)
        return nodes.Filter(child, "_produced", [], [], None, None, lineno=child.lineno)


class BoundedSandbox(SandboxedEnvironment):
    """A sandbox that bounds numbers, values, work and output (see the module doc)."""

    intercepted_binops = frozenset({"**", "*", "+", "-", "/", "//", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters = {name: _guarded(name, f) for name, f in self.filters.items()}
        self.filters.update(_steps=_steps, _joined=_joined, _produced=_produced)
        self.globals.pop("lipsum", None)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        if len(source) > MAX_SOURCE:
            raise TemplateSyntaxError(f"longer than {MAX_SOURCE:,} characters", 1, name)
        tree = super()._parse(source, name, filename)
        bounded: nodes.Template = _Bounds().visit(tree)
        return bounded

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Apply a binary operator once its result is known to fit the limits."""
        _tick()
        check_binop(operator, left, right)
        return checked(super().call_binop(context, operator, left, right))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Refuse the string methods that widen a string, besides what jinja refuses."""
        if isinstance(obj, str) and attr in _WIDENING:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Sandbox ``str.format`` as jinja does, refusing widths over 9,999 first."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            check_str_format(value.__self__)
        return wrapped

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Call a macro, method or global, counting the step and checking the result."""
        _tick()
        return checked(super().call(__context, __obj, *args, **kwargs))


def render_bounded(template: Template, context: Mapping[str, Any], *, limit: int) -> str:
    """Render within the budget; raise LimitExceeded past it or ``limit`` characters.

    Any other exception of the template (an unknown name, a division by zero) goes through.
    """
    previous = _budget()
    _state.budget = _Budget(deadline=time.monotonic() + MAX_SECONDS)
    try:
        parts: list[str] = []
        size = 0
        for piece in template.generate(**context):
            size += len(piece)
            if size > limit:
                raise LimitExceeded(f"the text is longer than {limit:,} characters")
            parts.append(piece)
        return "".join(parts)
    finally:
        _state.budget = previous


@lru_cache(maxsize=1)
def source_env() -> BoundedSandbox:
    """Return the environment of texts people write: plain text, no files to include."""
    # StrictUndefined: a misspelt name fails loudly rather than leaving a hole in a letter.
    return BoundedSandbox(loader=BaseLoader(), autoescape=False, undefined=StrictUndefined)


@lru_cache(maxsize=256)
def compile_source(source: str) -> Template:
    """Return a person's text compiled in the bounded sandbox; raise on a syntax error."""
    return source_env().from_string(source)


def describe(error: BaseException) -> str:
    """Return why a text cannot be rendered, in words a person can act on."""
    if isinstance(error, TemplateNotFound):
        return f"a text cannot include other templates ({error.name})"
    if isinstance(error, TemplateSyntaxError):
        return f"line {error.lineno}: {error.message}"
    if isinstance(error, TemplateError) and error.message:
        return error.message
    return f"{type(error).__name__}: {error}"[:300]


def text_error(source: str, context: Mapping[str, Any], *, limit: int) -> str | None:
    """Compile and render ``source`` with ``context``; return why it fails, or None."""
    try:
        render_bounded(compile_source(source), context, limit=limit)
    except Exception as error:  # every failure of a person's text is an answer, not a 500
        return describe(error)
    return None
