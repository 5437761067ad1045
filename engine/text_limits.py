"""The limits of a message text's render, and the checks made before an operation runs.

Issue 10 #3: a number, string or list made inside a template is checked *before* the
operation that would make it too large runs (a power, a repetition, a widening filter),
and every value after. See engine.text_sandbox for where the checks are called.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jinja2.exceptions import SecurityError

MAX_SOURCE = 20_000  # characters of one text (the API takes 10,000 per part)
MAX_INT_BITS = 4_096  # an integer made by an operator (a Rial total needs about 60)
MAX_VALUE_SIZE = 500_000  # characters or items of a value made inside a template
MAX_ITEMS = 100_000  # a batch or slice count, as jinja caps range()
MAX_STEPS = 500_000  # loop iterations, calls, operators and filters of one render
MAX_SECONDS = 2.0  # wall clock of one render, checked at each step
MAX_PRODUCED = 1_000_000  # characters all output tags write, buffered ones included
SUBJECT_LIMIT = 2_000  # characters of a rendered subject
BODY_LIMIT = 256_000  # of an email or letter body (a long list of invoices fits)
SMS_LIMIT = 1_600  # of an SMS (Twilio's own limit)
PART_LIMITS: Mapping[str, int] = {"subject": SUBJECT_LIMIT, "body": BODY_LIMIT, "sms": SMS_LIMIT}

_BRACE_FIELD = re.compile(r"\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
_FORMAT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")

_TOO_BIG = f"a number larger than {MAX_INT_BITS:,} bits"
_TOO_LONG = f"a repetition longer than {MAX_VALUE_SIZE:,} characters"
_TOO_WIDE = "a format width over 9,999"


class LimitExceeded(SecurityError):
    """A template asked for more work, memory or output than a message may take."""


def weight(value: Any, limit: int = MAX_VALUE_SIZE) -> int:
    """Return about how many characters or items ``value`` holds, stopping past ``limit``."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, int):
            total += 1 + item.bit_length() // 8
        elif isinstance(item, Mapping):
            total += 1
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 1
            stack.extend(item)
        else:
            total += 1
    return total


def checked(value: Any) -> Any:
    """Return ``value`` if it is within the number and size limits, else raise."""
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise LimitExceeded(_TOO_BIG)
    if weight(value) > MAX_VALUE_SIZE:
        raise LimitExceeded(f"a value larger than {MAX_VALUE_SIZE:,} characters")
    return value


def need(ok: bool, what: str) -> None:
    """Raise LimitExceeded(what) unless ``ok``."""
    if not ok:
        raise LimitExceeded(what)


def check_binop(operator: str, left: Any, right: Any) -> None:
    ints = isinstance(left, int) and isinstance(right, int)
    if operator == "**" and ints and right > 0 and abs(left) > 1:
        need(left.bit_length() * right <= MAX_INT_BITS, _TOO_BIG)
    elif operator == "*" and ints:
        need(left.bit_length() + right.bit_length() <= MAX_INT_BITS + 1, _TOO_BIG)
    elif operator == "*":
        count, seq = (left, right) if isinstance(left, int) else (right, left)
        if isinstance(count, int) and count > 0:
            need(
                weight(seq) * count <= MAX_VALUE_SIZE,
                _TOO_LONG,
            )
    elif operator == "%" and isinstance(left, str):
        check_format(left)


def check_format(spec: str) -> None:
    """Refuse a ``%`` format whose widths or precisions are ``*`` or over 9,999."""
    for match in _FORMAT_SPEC.finditer(spec):
        for number in match.groups():
            need(number is None or (number != "*" and len(number) < 5), _TOO_WIDE)


def check_str_format(spec: str) -> None:
    """Refuse a ``str.format`` pattern with a nested field or a width over 9,999."""
    for field in _BRACE_FIELD.findall(spec):
        need("{" not in field and not re.search(r"\d{5,}", field), _TOO_WIDE)


def _width(value: Any) -> int:
    return value if isinstance(value, int) else len(str(value))


def _arg(args: tuple[Any, ...], kwargs: dict[str, Any], at: int, name: str, default: Any) -> Any:
    return args[at] if len(args) > at else kwargs.get(name, default)


def _widened(text: Any, width: Any, what: str) -> None:
    lines = str(text).count("\n") + 1
    need(len(str(text)) + lines * _width(width) <= MAX_VALUE_SIZE, f"{what}: too wide")


def precheck_filter(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Check a filter that can make far more than it is given; return the args to use.

    Positions follow jinja's signatures: ``replace``, ``join``, ``slice`` and ``tojson``
    get the evaluation context first, ``wordwrap`` and ``sum`` the environment.
    """
    if name == "center":
        _widened(args[0], _arg(args, kwargs, 1, "width", 80), name)
    elif name == "indent":
        _widened(args[0], _arg(args, kwargs, 1, "width", 4), name)
    elif name == "wordwrap":
        wrap = str(_arg(args, kwargs, 4, "wrapstring", None) or "\n")
        need(len(str(args[1])) * (1 + len(wrap)) <= MAX_VALUE_SIZE, "wordwrap: too long")
    elif name == "replace":
        text, old, new = (str(a) for a in args[1:4])
        hits = len(text) + 1 if old == "" else text.count(old)
        need(len(text) + hits * len(new) <= MAX_VALUE_SIZE, "replace: the result is too long")
    elif name in ("batch", "slice"):
        count = _arg(args, kwargs, 1 if name == "batch" else 2, "linecount", None)
        count = kwargs.get("slices", count)
        need(isinstance(count, int) and 0 < count <= MAX_ITEMS, f"{name}: too many")
    elif name == "join":
        items = list(args[1])
        sep = str(_arg(args, kwargs, 2, "d", ""))
        size = len(sep) * len(items) + sum(weight(i) for i in items)
        need(size <= MAX_VALUE_SIZE, "join: the result is too long")
        return (args[0], items, *args[2:])
    elif name == "format":
        check_format(str(args[0]))
    elif name == "sum":
        start = _arg(args, kwargs, 3, "start", 0)
        need(isinstance(start, int | float), "sum: only of numbers")
    elif name == "tojson":
        need(_width(_arg(args, kwargs, 2, "indent", None) or 0) <= 16, "tojson: indent too wide")
    return args
