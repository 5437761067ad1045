"""Reply addresses: which outbox message a customer's email answers (SPEC F1, F7, C4).

An email about documents carries ``Reply-To: reply+<message_id>.<sig>@<domain>``; sig is
the first 12 hex digits of HMAC-SHA256(secret key, message id), so an inbound address
names a message we sent and cannot be made up for another one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SIGNATURE_LENGTH = 12
_LOCAL = re.compile(r"^reply\+(?P<id>[0-9]{1,18})\.(?P<sig>[0-9a-f]+)$")


@dataclass(frozen=True)
class ReplyMatch:
    """What the addresses of an inbound email say: the message answered, or why none."""

    message_id: int | None
    reason: str = ""


@dataclass(frozen=True)
class ReplyAddresses:
    """Makes and checks the reply addresses of one deployment (its domain and secret)."""

    domain: str
    secret: str = field(repr=False)

    def signature(self, message_id: int) -> str:
        """Return the address's signature for ``message_id``."""
        digest = hmac.new(self.secret.encode(), str(message_id).encode(), hashlib.sha256)
        return digest.hexdigest()[:SIGNATURE_LENGTH]

    def address(self, message_id: int) -> str:
        """Return the address replies to ``message_id`` go to."""
        return f"reply+{message_id}.{self.signature(message_id)}@{self.domain}"

    def reply_to(self, message_id: int, document_ids: Sequence[int]) -> str | None:
        """Return the Reply-To of a message: only messages about documents get one."""
        return self.address(message_id) if document_ids else None

    def match(self, addresses: Iterable[str]) -> ReplyMatch:
        """Return the message the first correctly signed reply address names.

        An address of our domain with a wrong signature is reported as forged; no
        address of our domain at all as "no reply address".
        """
        forged = False
        for address in addresses:
            local, _, domain = address.strip().strip("<>").rpartition("@")
            if domain.lower() != self.domain.lower():
                continue
            found = _LOCAL.match(local.lower())
            if found is None:
                forged = True
                continue
            message_id = int(found.group("id"))
            if hmac.compare_digest(found.group("sig"), self.signature(message_id)):
                return ReplyMatch(message_id)
            forged = True
        return ReplyMatch(None, "forged reply address" if forged else "no reply address")
