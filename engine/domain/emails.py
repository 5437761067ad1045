"""Email addresses as people type them: the simple, well-known check (SPEC E2)."""

from __future__ import annotations

import re

from engine.domain.errors import ValidationFailed

MAX_LENGTH = 254
# One "@", no blanks, a dot in the domain: enough to catch typos, not RFC 5322.
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_email(text: str | None, *, field: str = "email") -> str | None:
    """Return the address stripped, None for an empty one; raise ValidationFailed if bad."""
    address = (text or "").strip()
    if not address:
        return None
    if len(address) > MAX_LENGTH or not _ADDRESS.match(address):
        raise ValidationFailed.single(
            field, f"is not an email address (at most {MAX_LENGTH} characters)"
        )
    return address
