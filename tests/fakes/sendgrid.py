"""A fake SendGrid v3 API: POST /v3/mail/send (202 + X-Message-Id) and the Email Activity
look-up GET /v3/messages?query=unique_args['cartable_key']="..." ."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from tests.fakes.recording import FakeProvider, Recorded

_QUERY = re.compile(r"unique_args\['cartable_key'\]=\"(?P<key>[^\"]*)\"")


def mail_key(payload: dict[str, Any]) -> str | None:
    """Return the cartable_key custom arg of a v3 mail body (global or first personalization)."""
    args = dict(payload.get("custom_args") or {})
    for personalization in payload.get("personalizations") or []:
        args.update(personalization.get("custom_args") or {})
    return args.get("cartable_key")


class FakeSendGrid(FakeProvider):
    def __init__(self) -> None:
        super().__init__()
        self.message_ids: dict[str, str] = {}

    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
    ) -> tuple[int, dict[str, str], Any]:
        if method == "POST" and path == "/v3/mail/send":
            key = mail_key(json.loads(body or b"{}"))
            forced = self._answer_send()
            if forced:
                self._record(Recorded(method, path, query, headers, body, forced, key))
                return forced, {}, {"errors": [{"message": f"fake {forced}"}]}
            message_id = uuid.uuid4().hex[:22]
            self._record(Recorded(method, path, query, headers, body, 202, key))
            if key:
                with self._lock:
                    self.message_ids.setdefault(key, message_id)
            return 202, {"X-Message-Id": message_id}, None
        if method == "GET" and path == "/v3/messages":
            self._record(Recorded(method, path, query, headers, body, 200))
            match = _QUERY.search((query.get("query") or [""])[0])
            with self._lock:
                found = match and self.message_ids.get(match.group("key"))
            return 200, {}, {"messages": [{"msg_id": found}] if found else []}
        return 404, {}, {"errors": [{"message": "not found"}]}
