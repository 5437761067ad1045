"""The one hierarchy of domain errors; web/errors.py maps each class to HTTP once."""

from __future__ import annotations

from collections.abc import Mapping


class CartableError(Exception):
    """Base of every error the engine raises on purpose."""

    def __init__(self, message: str, *, details: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, object] = dict(details or {})


class NotFound(CartableError):
    """A named thing does not exist (or the actor may not know it exists)."""


class PermissionDenied(CartableError):
    """The actor may not do this."""


class InvalidState(CartableError):
    """The thing exists but is in a state that forbids the action."""


class Conflict(CartableError):
    """Someone else changed the thing first (stale lock_version, task taken twice)."""


class ValidationFailed(CartableError):
    """Input is wrong; ``fields`` maps each bad field to the reasons."""

    def __init__(self, fields: Mapping[str, str | list[str]], message: str | None = None) -> None:
        normalized = {k: [v] if isinstance(v, str) else list(v) for k, v in fields.items()}
        summary = "; ".join(f"{k}: {', '.join(v)}" for k, v in normalized.items())
        super().__init__(message or f"invalid input: {summary}", details={"fields": normalized})
        self.fields = normalized

    @classmethod
    def single(cls, field: str, reason: str) -> ValidationFailed:
        """Build the error for one field."""
        return cls({field: reason})


class TooManyAttempts(CartableError):
    """This client tried too often; it may try again after ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after
