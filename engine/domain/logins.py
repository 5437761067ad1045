"""Back-off of failed sign-ins (SPEC E2, issue 10 #8): pure arithmetic, no clock.

Failures are counted per (user name, client address) and per client address, never per
user name alone: someone else's failures from another address cannot lock a user out.
A key with ``free`` failures or more in the window waits ``base * 2 ** (n - free)``
seconds after its last failure, at most ``cap``.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(hours=1)  # failures older than this are forgotten


@dataclass(frozen=True)
class BackOff:
    """How many failures are free, and how the wait grows after them."""

    free: int
    base_seconds: int = 30
    cap_seconds: int = 900

    def wait(self, failures: int) -> int:
        """Return the seconds to wait after the last of ``failures`` failures."""
        if failures < self.free:
            return 0
        return min(self.base_seconds << min(failures - self.free, 20), self.cap_seconds)

    def retry_after(self, failures: int, last: datetime | None, now: datetime) -> int:
        """Return the whole seconds left before another attempt (0: go ahead)."""
        if last is None:
            return 0
        left = (last + timedelta(seconds=self.wait(failures)) - now).total_seconds()
        return math.ceil(left) if left > 0 else 0


# The same name from the same address: five tries, then 30 s, 60 s, … up to 15 minutes.
PER_NAME_AND_CLIENT = BackOff(free=5)
# Any names from one address (a password sprayer): twenty tries, then the same back-off.
PER_CLIENT = BackOff(free=20)


def client_key(remote_addr: str | None) -> str:
    """Return the key a client's failures are counted under: its IPv4 address, or the
    /64 network of an IPv6 address (one host may hold a whole /64 and rotate in it)."""
    if not remote_addr:
        return "unknown"
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return remote_addr[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
