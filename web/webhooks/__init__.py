"""Signed delivery-status webhooks from SendGrid and Twilio (E5, ARCHITECTURE §7), and
customers' emailed replies from SendGrid Inbound Parse (F1, F7).

Not part of the API: providers cannot hold a bearer token or a CSRF token, so each
request is authenticated by the provider's signature (the inbound email by a secret
token in its URL) instead, and the blueprint is exempted from CSRF explicitly. A bad or
missing signature or token gets 403 and changes nothing.
"""

from __future__ import annotations

from flask import Flask

from web.webhooks.routes import bp


def init_app(app: Flask) -> None:
    """Register the webhooks; exempt them from CSRF if the app protects forms with it."""
    app.register_blueprint(bp)
    csrf = app.extensions.get("csrf")
    if csrf is not None and hasattr(csrf, "exempt"):
        csrf.exempt(bp)
