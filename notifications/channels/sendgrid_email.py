"""Email through SendGrid's v3 API with the official SDK; the base URL is a setting."""

from __future__ import annotations

import base64
import json
import logging
from urllib.error import URLError

from python_http_client.exceptions import HTTPError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import (
    Attachment as SgAttachment,
    CustomArg,
    Disposition,
    FileContent,
    FileName,
    FileType,
    Header,
    Mail,
    ReplyTo,
)

from engine.domain import messages
from engine.domain.replies import ReplyAddresses
from notifications.channels.base import (
    Channel,
    LookupUnavailable,
    Rendered,
    TransientSendError,
    classify_status,
)
from notifications.channels.sendgrid_http import PooledClient, make_pool

logger = logging.getLogger(__name__)
# python_http_client logs every request's headers (the API key) and body at DEBUG;
# keep it above DEBUG whatever the root level, so secrets never reach a log (E8).
logging.getLogger("python_http_client").setLevel(logging.INFO)

# Echoed by SendGrid in every event of the message, so webhooks find the row by it.
KEY_ARG = "cartable_key"
MESSAGE_ID_ARG = "cartable_message_id"


class SendGridChannel(Channel):
    """Sends with SendGridAPIClient; the key travels as a custom arg and a mail header."""

    name = messages.Channel.EMAIL

    def __init__(
        self,
        *,
        api_key: str,
        host: str,
        sender: str,
        timeout: float,
        replies: ReplyAddresses | None = None,
    ) -> None:
        self._client = SendGridAPIClient(api_key=api_key, host=host.rstrip("/"))
        # The SDK's own client, on a keep-alive pool (notifications.channels.sendgrid_http);
        # it passes its timeout to every derived request.
        self._client.client = PooledClient(
            host=self._client.host,
            request_headers=self._client._default_headers,
            version=3,
            timeout=timeout,
            pool=make_pool(self._client.host),
        )
        self.sender = sender
        self.replies = replies

    def _mail(self, message: Rendered) -> Mail:
        mail = Mail(
            from_email=self.sender,
            to_emails=message.recipient,
            subject=message.subject,
            plain_text_content=message.text,
            html_content=message.html or None,
        )
        mail.custom_arg = CustomArg(KEY_ARG, message.idempotency_key)
        mail.custom_arg = CustomArg(MESSAGE_ID_ARG, str(message.message_id))
        mail.header = Header("X-Cartable-Key", message.idempotency_key)
        if self.replies is not None:  # answers are filed with the documents (F1, F7)
            reply_to = self.replies.reply_to(message.message_id, message.document_ids)
            if reply_to:
                mail.reply_to = ReplyTo(reply_to)
        for item in message.attachments:
            mail.attachment = SgAttachment(
                FileContent(base64.b64encode(item.content).decode()),
                FileName(item.filename),
                FileType(item.mime_type),
                Disposition("attachment"),
            )
        return mail

    def send(self, message: Rendered) -> str:
        try:
            response = self._client.send(self._mail(message))
        except HTTPError as error:
            raise classify_status(error.status_code, f"SendGrid {error.status_code}") from error
        except (URLError, OSError) as error:
            raise TransientSendError(f"SendGrid unreachable: {type(error).__name__}") from error
        headers = {k.lower(): v for k, v in dict(response.headers or {}).items()}
        return str(headers.get("x-message-id") or f"sendgrid:{message.idempotency_key}")

    def find_sent(self, message: Rendered) -> str | None:
        # The Email Activity API (an add-on of the SendGrid account) finds a message by
        # its custom args; without it we cannot know and say so.
        query = f"unique_args['{KEY_ARG}']=\"{message.idempotency_key}\""
        try:
            response = self._client.client.messages.get(query_params={"query": query, "limit": 1})
            found = json.loads(response.body or b"{}").get("messages") or []
        except HTTPError as error:
            raise LookupUnavailable(f"SendGrid activity look-up: {error.status_code}") from error
        except (URLError, OSError, ValueError) as error:
            raise LookupUnavailable(f"SendGrid activity look-up: {type(error).__name__}") from error
        if not found:
            return None
        return str(found[0].get("msg_id") or f"sendgrid:{message.idempotency_key}")
