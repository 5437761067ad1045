"""SMS through Twilio's REST API with the official SDK; the base URL is a setting."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import requests
from twilio.base import values
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from engine.domain import messages
from notifications.channels.base import (
    Channel,
    LookupUnavailable,
    Rendered,
    TransientSendError,
    classify_status,
)


class TwilioChannel(Channel):
    """Sends with twilio.rest.Client; delivery reports come back to /webhooks/twilio.

    Twilio has no public idempotency key for sending messages, so the key rides in the
    status callback URL (the webhook then finds the row even if the worker died before
    recording the SID) and a look-up after a crash matches recipient, sender and body.
    """

    name = messages.Channel.SMS

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        sender: str,
        base_url: str,
        timeout: float,
        callback_url: str | None,
    ) -> None:
        self._client = Client(
            account_sid,
            auth_token,
            http_client=TwilioHttpClient(timeout=timeout, pool_connections=True),
        )
        self._client.api.base_url = base_url.rstrip("/")
        self.sender = sender
        self.callback_url = callback_url

    def status_callback(self, message: Rendered) -> str | None:
        """Return the webhook URL for this message's delivery reports (None: no webhook)."""
        if not self.callback_url:
            return None
        query = urlencode({"key": message.idempotency_key, "message_id": message.message_id})
        return f"{self.callback_url}?{query}"

    def send(self, message: Rendered) -> str:
        kwargs: dict[str, str] = {
            "to": message.recipient,
            "from_": self.sender,
            "body": message.text,
        }
        callback = self.status_callback(message)
        if callback:
            kwargs["status_callback"] = callback
        try:
            created = self._client.messages.create(**kwargs)
        except TwilioRestException as error:
            raise classify_status(
                error.status, f"Twilio {error.status} {error.code or ''}".strip()
            ) from error
        except (requests.RequestException, TwilioException, OSError) as error:
            raise TransientSendError(f"Twilio unreachable: {type(error).__name__}") from error
        return str(created.sid)

    def find_sent(self, message: Rendered) -> str | None:
        since: object = values.unset
        if message.claimed_at is not None:
            since = message.claimed_at - timedelta(days=1)  # Twilio filters by whole days
        try:
            found = self._client.messages.list(
                to=message.recipient, from_=self.sender, date_sent_after=since, limit=50
            )
        except (TwilioRestException, requests.RequestException, TwilioException) as error:
            raise LookupUnavailable(f"Twilio look-up: {type(error).__name__}") from error
        for record in found:
            if record.body == message.text:
                return str(record.sid)
        return None
