"""Security headers on every answer (issue 10 #10): pages, API, files and error pages.

The policy fits what the pages load: scripts only from /ui/static (no inline script; the
report data is a JSON block, which is not run), styles from /ui/static plus inline ones
(``style=`` attributes, and bpmn-js and htmx add style elements), images and fonts from
here and ``data:`` (bpmn-js icons). No page may be framed; no referrer leaves the site.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"  # a year; only when CARTABLE_HTTPS says the site is HTTPS


def init_app(app: Flask, *, https: bool, trusted_proxies: int) -> None:
    """Add the headers to every response; trust ``trusted_proxies`` proxies' X-Forwarded-*."""
    headers = {**HEADERS, **({"Strict-Transport-Security": HSTS} if https else {})}

    def add_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    app.after_request(add_headers)
    if trusted_proxies:
        # The client address (login throttle, audit) and scheme as the proxy saw them.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies
        )
