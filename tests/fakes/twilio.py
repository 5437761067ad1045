"""A fake Twilio REST API: create and list Messages under /2010-04-01/Accounts/<sid>/."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.recording import FakeProvider, Recorded


def callback_key(status_callback: str | None) -> str | None:
    """Return the key our StatusCallback URL carries."""
    if not status_callback:
        return None
    return (parse_qs(urlsplit(status_callback).query).get("key") or [None])[0]


class FakeTwilio(FakeProvider):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[dict[str, Any]] = []

    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
    ) -> tuple[int, dict[str, str], Any]:
        if not path.endswith("/Messages.json"):
            return 404, {}, {"code": 20404, "message": "not found", "status": 404}
        if method == "GET":
            self._record(Recorded(method, path, query, headers, body, 200))
            to = (query.get("To") or [None])[0]
            with self._lock:
                found = [m for m in self.messages if to is None or m["to"] == to]
            return (
                200,
                {},
                {"messages": found, "next_page_uri": None, "page": 0, "page_size": 50, "uri": path},
            )
        form = parse_qs(body.decode())
        key = callback_key((form.get("StatusCallback") or [None])[0])
        forced = self._answer_send()
        if forced:
            self._record(Recorded(method, path, query, headers, body, forced, key, form))
            error = {"code": 21211 if forced < 500 else 20500, "message": f"fake {forced}"}
            return forced, {}, {**error, "status": forced, "more_info": ""}
        message = {
            "sid": "SM" + uuid.uuid4().hex,
            "to": form["To"][0],
            "from": form["From"][0],
            "body": form["Body"][0],
            "status": "queued",
            "date_created": format_datetime(datetime.now(UTC)),
            "date_sent": None,
        }
        self._record(Recorded(method, path, query, headers, body, 201, key, form))
        with self._lock:
            self.messages.append(message)
        return 201, {}, message
