"""Document numbering patterns (SPEC T3.13, ARCHITECTURE §4).

A pattern is literal text with tokens: ``{code}`` (the type code), ``{year}`` and
``{month}`` (Gregorian), ``{jyear}`` and ``{jmonth}`` (Jalali), and the required
``{seq}``, which alone takes a format spec of the form ``{seq:05d}`` (zero-padded
width 1-20). Years print as four digits and months as two. Literal braces are
written ``{{`` and ``}}``.

A pattern uses one calendar, and a month token needs the year token of its calendar,
so that every number is unique within its sequence: the sequence restarts at 1 for
each ``period_key`` ("" without a year, ``J1405``/``G2026`` with one, ``J1405-07``
with a month as well).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date

import jdatetime

from engine.domain.errors import ValidationFailed

MAX_PATTERN_LENGTH = 64
# A number names its printout's file: these would break the name or the shell (issue 14 §8).
UNSAFE_CHARACTERS = frozenset('/\\:*?"<>|$')
_TOKENS = frozenset({"code", "year", "month", "jyear", "jmonth", "seq"})
_SEQ_SPEC = re.compile(r"(0(?P<width>[1-9]\d?))?d?")
_MAX_SEQ_WIDTH = 20


@dataclass(frozen=True)
class _Piece:
    literal: str
    token: str | None
    spec: str


def validate_pattern(pattern: str, *, field: str = "numbering_pattern") -> None:
    """Check a numbering pattern.

    Raises ``ValidationFailed`` on ``field`` for a pattern longer than 64 characters,
    unbalanced braces, unknown tokens, a missing ``{seq}``, a bad format spec, mixed
    calendars, or a month without its year.
    """
    _parse(pattern, field=field)


def period_key(pattern: str, issued_on: date) -> str:
    """Return the key of the sequence a document issued on ``issued_on`` falls in.

    ``""`` when the pattern has no year token; ``J1405`` or ``G2026`` with one;
    ``J1405-07`` or ``G2026-11`` when it also has a month token.
    Raises ``ValidationFailed`` on ``numbering_pattern`` for a bad pattern.
    """
    tokens = {piece.token for piece in _parse(pattern, field="numbering_pattern")}
    if "jyear" in tokens:
        jalali = jdatetime.date.fromgregorian(date=issued_on)
        key = f"J{jalali.year:04d}"
        return f"{key}-{jalali.month:02d}" if "jmonth" in tokens else key
    if "year" in tokens:
        key = f"G{issued_on.year:04d}"
        return f"{key}-{issued_on.month:02d}" if "month" in tokens else key
    return ""


def format_number(pattern: str, *, code: str, seq: int, issued_on: date) -> str:
    """Render the document number for counter value ``seq`` issued on ``issued_on``.

    Raises ``ValidationFailed`` on ``numbering_pattern`` for a bad pattern and
    ``ValueError`` when ``seq`` is not a positive int.
    """
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise ValueError(f"seq must be a positive int, not {seq!r}")
    pieces = _parse(pattern, field="numbering_pattern")
    jalali = jdatetime.date.fromgregorian(date=issued_on)
    values: dict[str, str] = {
        "code": code,
        "year": f"{issued_on.year:04d}",
        "month": f"{issued_on.month:02d}",
        "jyear": f"{jalali.year:04d}",
        "jmonth": f"{jalali.month:02d}",
    }
    parts: list[str] = []
    for piece in pieces:
        parts.append(piece.literal)
        if piece.token == "seq":
            parts.append(format(seq, piece.spec))
        elif piece.token is not None:
            parts.append(values[piece.token])
    return "".join(parts)


def parse_number(pattern: str, *, code: str, number: str) -> tuple[str, int] | None:
    """Return the (period key, counter) under which ``pattern`` renders ``number``, or None.

    Used to tell whether a new pattern could give a number again (issue 14 §8): the
    pattern becomes a regular expression, and a match counts only if rendering its
    counter gives the same text back (``{seq:05d}`` never reads ``123`` as 123).
    Raises ``ValidationFailed`` on ``numbering_pattern`` for a bad pattern.
    """
    pieces = _parse(pattern, field="numbering_pattern")
    widths = {"year": 4, "month": 2, "jyear": 4, "jmonth": 2}
    regex: list[str] = []
    for piece in pieces:
        regex.append(re.escape(piece.literal))
        if piece.token == "code":
            regex.append(re.escape(code))
        elif piece.token is not None and f"<{piece.token}>" in "".join(regex):
            regex.append(f"(?P={piece.token})")  # a token used twice renders the same
        elif piece.token == "seq":
            regex.append("(?P<seq>\\d+)")
        elif piece.token is not None:
            regex.append(f"(?P<{piece.token}>\\d{{{widths[piece.token]}}})")
    match = re.fullmatch("".join(regex), number)
    if match is None:
        return None
    seq_spec = next(piece.spec for piece in pieces if piece.token == "seq")
    seq = int(match.group("seq"))
    if seq < 1 or format(seq, seq_spec) != match.group("seq"):
        return None
    found = match.groupdict()
    for year, month, mark in (("jyear", "jmonth", "J"), ("year", "month", "G")):
        if found.get(year):
            key = f"{mark}{found[year]}"
            return (f"{key}-{found[month]}" if found.get(month) else key), seq
    return "", seq


def _parse(pattern: str, *, field: str) -> list[_Piece]:
    """Split ``pattern`` into literal text and checked tokens, or raise ValidationFailed."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise ValidationFailed.single(field, "is required")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValidationFailed.single(field, f"must be at most {MAX_PATTERN_LENGTH} characters")
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise ValidationFailed.single(field, "has unbalanced { or }") from exc
    pieces = [
        _piece(literal, name, spec, conversion, field) for literal, name, spec, conversion in parsed
    ]
    _check_tokens({piece.token for piece in pieces if piece.token}, field)
    _check_literals("".join(piece.literal for piece in pieces), field)
    return pieces


def _check_literals(text: str, field: str) -> None:
    """Refuse literal characters that are unsafe in a file name, and control characters."""
    unsafe = sorted({ch for ch in text if ch in UNSAFE_CHARACTERS or not ch.isprintable()})
    if unsafe:
        shown = " ".join(repr(ch) for ch in unsafe)
        raise ValidationFailed.single(field, f"must not contain {shown} (unsafe in a file name)")


def _piece(
    literal: str, name: str | None, spec: str | None, conversion: str | None, field: str
) -> _Piece:
    """Check one token of a parsed pattern and return it as a piece."""
    if name is None:
        return _Piece(literal, None, "")
    if name not in _TOKENS:
        allowed = ", ".join(f"{{{token}}}" for token in sorted(_TOKENS))
        raise ValidationFailed.single(field, f"unknown token {{{name}}}; use {allowed}")
    if conversion is not None:
        raise ValidationFailed.single(field, f"token {{{name}}} takes no !conversion")
    spec = spec or ""
    if name != "seq" and spec:
        raise ValidationFailed.single(field, f"only {{seq}} takes a format, not {{{name}}}")
    match = _SEQ_SPEC.fullmatch(spec)
    if match is None or int(match.group("width") or 0) > _MAX_SEQ_WIDTH:
        raise ValidationFailed.single(field, f"bad format {{seq:{spec}}}; use e.g. {{seq:05d}}")
    return _Piece(literal, name, spec)


def _check_tokens(tokens: set[str], field: str) -> None:
    """Require {seq}, one calendar, and a year wherever a month appears."""
    if "seq" not in tokens:
        raise ValidationFailed.single(field, "must contain {seq}")
    if tokens & {"year", "month"} and tokens & {"jyear", "jmonth"}:
        raise ValidationFailed.single(field, "must not mix Jalali and Gregorian tokens")
    if "month" in tokens and "year" not in tokens:
        raise ValidationFailed.single(field, "{month} needs {year}")
    if "jmonth" in tokens and "jyear" not in tokens:
        raise ValidationFailed.single(field, "{jmonth} needs {jyear}")
