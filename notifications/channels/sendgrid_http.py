"""Keep-alive HTTP for the SendGrid SDK: its client, with a pooled transport underneath.

``python_http_client`` (what ``SendGridAPIClient`` calls through) opens a new
connection, and so a new TLS handshake with api.sendgrid.com, for every email, and
builds a ``urllib`` opener per request that reads the proxy settings from the
environment each time. :class:`PooledClient` keeps the SDK's request building, its
error classes and its response object, and sends through one ``urllib3`` pool per
worker process instead. Proxies are read from the environment once, when it is built.
"""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from collections.abc import Mapping
from email.message import Message
from typing import Any

import urllib3
from python_http_client.client import Client
from python_http_client.exceptions import handle_error


class _Reply:
    """What python_http_client's Response reads from a urllib response."""

    def __init__(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        self._status, self._body = status, body
        self._headers = Message()
        for name, value in headers.items():
            self._headers[name] = value

    def getcode(self) -> int:
        return self._status

    def read(self) -> bytes:
        return self._body

    def info(self) -> Message:
        return self._headers


def make_pool(host: str) -> urllib3.PoolManager:
    """Return a connection pool for ``host``, through the environment's proxy if it has one."""
    proxy = urllib.request.getproxies().get(host.split("://", 1)[0])
    if proxy and not urllib.request.proxy_bypass(host.split("://", 1)[-1].split("/", 1)[0]):
        return urllib3.ProxyManager(proxy, maxsize=4, retries=False)
    return urllib3.PoolManager(maxsize=4, retries=False)


class PooledClient(Client):  # type: ignore[misc]  # python_http_client is untyped
    """python_http_client.Client sending through a shared urllib3 pool."""

    def __init__(self, *args: Any, pool: urllib3.PoolManager, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pool = pool

    def _build_client(self, name: str | None = None) -> PooledClient:
        # The SDK derives a client per URL segment (client.mail.send); keep the pool.
        url_path = self._url_path + [name] if name else self._url_path
        return PooledClient(
            host=self.host,
            version=self._version,
            request_headers=self.request_headers,
            url_path=url_path,
            append_slash=self.append_slash,
            timeout=self.timeout,
            pool=self._pool,
        )

    def _make_request(
        self, opener: Any, request: urllib.request.Request, timeout: float | None = None
    ) -> _Reply:
        url = request.get_full_url()
        try:
            body = request.data if isinstance(request.data, bytes) else None  # JSON bytes
            reply = self._pool.request(
                request.get_method(),
                url,
                body=body,
                headers=dict(request.header_items()),
                timeout=timeout or self.timeout,
                redirect=False,
            )
        except urllib3.exceptions.HTTPError as error:  # timeouts, refused, reset
            raise urllib.error.URLError(f"{type(error).__name__}") from error
        answer = _Reply(reply.status, reply.data, reply.headers)
        if reply.status >= 400:
            failure = urllib.error.HTTPError(
                url, reply.status, reply.reason or "", answer.info(), io.BytesIO(reply.data)
            )
            raise handle_error(failure) from None
        return answer
