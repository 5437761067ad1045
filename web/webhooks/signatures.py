"""Check provider signatures with the providers' own SDK helpers."""

from __future__ import annotations

import binascii
import logging
import re
from collections.abc import Mapping
from datetime import datetime

from sendgrid.helpers.eventwebhook import EventWebhook
from twilio.request_validator import RequestValidator

logger = logging.getLogger(__name__)

# A signed SendGrid request older than this is refused (a replayed capture).
MAX_AGE_SECONDS = 600
_TIMESTAMP = re.compile("[0-9]{1,12}")


def sendgrid_valid(
    *, public_key: str | None, payload: str, signature: str, timestamp: str, now: datetime
) -> bool:
    """Return whether SendGrid signed ``timestamp + payload`` (ECDSA P-256, SHA-256).

    The timestamp must be 1 to 12 ASCII digits (str.isdigit also takes '١٢٣' or '²',
    which int() then reads or refuses): anything else is a bad signature (issue 10 #9).
    """
    if not public_key or not signature or not _TIMESTAMP.fullmatch(timestamp):
        return False
    if abs(now.timestamp() - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    try:
        return bool(EventWebhook(public_key).verify_signature(payload, signature, timestamp))
    except (ValueError, TypeError, binascii.Error):
        # A malformed key or signature is a bad signature, not a server error.
        logger.warning("unreadable SendGrid webhook signature or public key")
        return False


def twilio_valid(
    *, auth_token: str | None, url: str, params: Mapping[str, str], signature: str
) -> bool:
    """Return whether Twilio signed this URL and form (X-Twilio-Signature, HMAC-SHA1)."""
    if not auth_token or not signature:
        return False
    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))
