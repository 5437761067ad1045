"""Digit scripts and direction marks: the characters under localize and money parsing (E1).

Persian pages write Extended Arabic-Indic digits (۰۱۲…), Arabic pages Arabic-Indic
digits (٠١٢…), English pages ASCII. People type any of them, and text pasted from a
right-to-left page often carries invisible direction marks. This module only maps
characters; ``engine.domain.localize`` decides which script a language uses, and
``engine.domain.money`` parses numbers with :func:`clean_typed`. It imports nothing
of the project so both can build on it.
"""

from __future__ import annotations

import re

LATIN = "0123456789"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ARABIC = "٠١٢٣٤٥٦٧٨٩"
DIGIT_SETS: dict[str, str] = {"latin": LATIN, "persian": PERSIAN, "arabic": ARABIC}

ARABIC_DECIMAL = "\u066b"  # ٫
ARABIC_THOUSANDS = "\u066c"  # ٬

_TO_LATIN = str.maketrans(PERSIAN + ARABIC, LATIN * 2)
_FROM_LATIN = {name: str.maketrans(LATIN, table) for name, table in DIGIT_SETS.items()}
# LRM, RLM, the embeddings and overrides (LRE…RLO) and the isolates (LRI…PDI).
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def normalize_digits(text: str) -> str:
    """Map Persian and Arabic-Indic digits in ``text`` to ASCII digits."""
    return text.translate(_TO_LATIN)


def write_digits(text: str, digit_set: str) -> str:
    """Write the ASCII digits of ``text`` in ``digit_set`` (latin, persian or arabic).

    Raises ``ValueError`` for another digit set.
    """
    table = _FROM_LATIN.get(digit_set)
    if table is None:
        raise ValueError(f"unknown digit set {digit_set!r}")
    return text.translate(table)


def strip_direction_marks(text: str) -> str:
    """Remove the invisible bidi marks (LRM, RLM, embeddings, isolates) from ``text``."""
    return _DIRECTION_MARKS.sub("", text)


def clean_typed(text: str) -> str:
    """Return typed text ready to parse: no direction marks, no outer spaces, ASCII digits."""
    return normalize_digits(strip_direction_marks(text).strip())
