"""Mobile numbers as people type them: Persian or Arabic digits, spaces and dashes allowed."""

from __future__ import annotations

import re

from engine.domain.digits import clean_typed
from engine.domain.errors import ValidationFailed

MAX_LENGTH = 32
# An optional "+", then 7 to 15 digits (E.164 allows 15): enough to catch typos.
_NUMBER = re.compile(r"\+?[0-9]{7,15}")
_SEPARATORS = re.compile(r"[\s\-().]")


def clean_mobile(text: str | None, *, field: str = "mobile") -> str | None:
    """Return the number with ASCII digits and no separators, None for an empty one;
    raise ValidationFailed naming ``field`` if it is not a phone number."""
    number = _SEPARATORS.sub("", clean_typed(text or ""))
    if not number:
        return None
    if not _NUMBER.fullmatch(number):
        raise ValidationFailed.single(
            field, "is not a mobile number (digits, optionally a leading +; 7 to 15 digits)"
        )
    return number
