"""The one place services read the time (tests move it with time-machine).

The business's zone is Settings.timezone (CARTABLE_TIMEZONE), set once per process by
``engine.configure.apply`` (the app factory, the CLI, a Celery worker); tests may
:func:`configure` another zone and put the default back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Tehran"
_zone = ZoneInfo(DEFAULT_ZONE)


def now() -> datetime:
    """Return the current aware UTC time."""
    return datetime.now(UTC)


def business_today() -> date:
    """Return today's date where the business is (CARTABLE_TIMEZONE, default Asia/Tehran).

    Issue and due dates are calendar dates of the business, not of UTC.
    """
    return now().astimezone(business_zone()).date()


def business_zone() -> ZoneInfo:
    """Return the business's time zone (CARTABLE_TIMEZONE, default Asia/Tehran)."""
    return _zone


def configure(timezone: str) -> None:
    """Set the business's time zone of this process (an IANA name, e.g. Asia/Tehran)."""
    global _zone
    _zone = ZoneInfo(timezone)


def end_of_business_day(day: date) -> datetime:
    """Return the aware UTC instant at which ``day`` ends where the business is."""
    next_midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=business_zone())
    return next_midnight.astimezone(UTC)
