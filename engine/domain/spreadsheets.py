"""Spreadsheet cells that cannot run as formulas (issue 10 #10; OWASP "CSV injection").

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may be
read as a formula by Excel, LibreOffice or Google Sheets (``=HYPERLINK(...)`` leaks data
with a click). Every export writes such text with a leading apostrophe, which the
spreadsheet shows as text; every import takes one such apostrophe off again, so an
exported file imports back to the same values. (A value that really begins with an
apostrophe followed by one of these characters loses that apostrophe on import.)
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value: object) -> object:
    """Return ``value`` with a leading ``'`` if it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore_formula(text: str) -> str:
    """Undo :func:`neutralize_formula` on imported text."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
