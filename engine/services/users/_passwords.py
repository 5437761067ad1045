"""Password hashing (argon2): one hasher, and a check that costs the same for nobody."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 4


def hash_password(password: str) -> str:
    """Return the argon2 hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Tell whether ``password`` matches; None (no such user) checks a dummy hash, so an
    unknown name takes about as long as a wrong password (issue 10 #8)."""
    try:
        ok = _hasher.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and password_hash is not None


@cache
def _dummy_hash() -> str:
    return _hasher.hash("no such user")
