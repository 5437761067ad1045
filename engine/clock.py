"""The one place services read the time (tests move it with time-machine)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


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
    return ZoneInfo(os.environ.get("CARTABLE_TIMEZONE", "Asia/Tehran"))
