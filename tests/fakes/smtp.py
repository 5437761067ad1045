"""A fake SMTP server (aiosmtpd) on 127.0.0.1:<ephemeral> that records the mail it accepts
and answers from a script: the next sends can be refused at RCPT or DATA with a code."""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass
class Received:
    """One transaction that reached DATA: envelope, raw content and the answer given."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    status: int
    mail_options: list[str]
    login: str | None = None

    def message(self) -> EmailMessage:
        """Parse the content as the recipient's mail program would."""
        return cast(EmailMessage, message_from_bytes(self.content, policy=policy.default))

    @property
    def key(self) -> str | None:
        return self.message()["X-Cartable-Key"]


class _Controller(Controller):
    """Binds port 0; learns the port before aiosmtpd's start-up check connects to it."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class FakeSmtp:
    """start() listens on 127.0.0.1; ``host`` and ``port`` are what the channel should use.

    ``users`` turns on AUTH (PLAIN and LOGIN, without TLS: a test server only).
    ``eight_bit=False`` stops advertising 8BITMIME, as some old relays do.
    ``quit_reply`` answers QUIT with another reply than 221 (a relay shutting down).
    """

    def __init__(self, *, users: dict[str, str] | None = None, eight_bit: bool = True) -> None:
        self.received: list[Received] = []
        self.users = users
        self.eight_bit = eight_bit
        self.quit_reply = "221 Bye"
        self._script: deque[str] = deque()
        self._lock = threading.Lock()
        self._controller: _Controller | None = None

    # -- control -------------------------------------------------------------------
    def script(self, *answers: str) -> None:
        """Queue answers for the next sends: "ok", "451" or "550" (at DATA), "rcpt:550"."""
        with self._lock:
            self._script.extend(answers)

    def _next_answer(self) -> str:
        with self._lock:
            return self._script.popleft() if self._script else "ok"

    def accepted(self) -> list[Received]:
        """Return the messages accepted (250 at the end of DATA)."""
        with self._lock:
            return [r for r in self.received if r.status == 250]

    def accepted_keys(self) -> Counter[str]:
        """Return {idempotency key: times a message with it was accepted}."""
        return Counter(r.key for r in self.accepted() if r.key)

    # -- server --------------------------------------------------------------------
    def start(self) -> FakeSmtp:
        auth: dict[str, Any] = {}
        if self.users is not None:
            auth = {"authenticator": self._authenticate, "auth_require_tls": False}
        self._controller = _Controller(
            self, hostname="127.0.0.1", port=0, server_hostname="fake-smtp.test", **auth
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        assert self._controller is not None, "start() first"
        return int(self._controller.port)

    # -- aiosmtpd handler hooks (aiosmtpd finds them by these names) -----------------
    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword) and self.users is not None:
            login, password = data.login.decode(), data.password.decode()
            if self.users.get(login) == password:
                return AuthResult(success=True, auth_data=login)
        return AuthResult(success=False, handled=False)

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname
        if self.eight_bit:
            return responses
        return [r for r in responses if "8BITMIME" not in r.upper()]

    async def handle_QUIT(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return self.quit_reply

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        with self._lock:
            refuse = self._script[0] if self._script else "ok"
            if refuse.startswith("rcpt:"):
                self._script.popleft()
                code = refuse[5:]
                return f"{code} {code[0]}.1.1 <{address}>: fake refusal at RCPT"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        answer = self._next_answer()
        status = 250 if answer == "ok" else int(answer)
        record = Received(
            mail_from=str(envelope.mail_from),
            rcpt_tos=list(envelope.rcpt_tos),
            content=bytes(envelope.original_content or envelope.content or b""),
            status=status,
            mail_options=list(envelope.mail_options),
            login=cast(str | None, session.auth_data) if session.authenticated else None,
        )
        with self._lock:
            self.received.append(record)
        if status == 250:
            return "250 2.0.0 Message accepted for delivery"
        return f"{status} {'4.3.0' if status < 500 else '5.7.1'} fake refusal at DATA"
