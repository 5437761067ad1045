"""Render a message in the recipient's language with a sandboxed Jinja environment (C4).

Templates come from two places: files under ``notifications/templates/<locale>/`` named
by the message's ``template`` (``<name>.subject.txt``, ``<name>.body.txt`` and, for SMS,
``<name>.sms.txt``), or the subject/body sources stored on the message (an editable
follow-up level's text, F1/F5). Both run in engine.text_sandbox's bounded sandbox: a
user who may edit a level's text must not reach Python objects through it, nor make the
worker compute or write without end (issue 10 #3). Bodies are plain text; the HTML
of an email is built from it with every value escaped, in a page whose ``lang`` and
``dir`` follow the locale (Persian and Arabic are right to left).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, Template, select_autoescape

from engine.domain import localize
from engine.domain.messages import Channel
from engine.text_limits import BODY_LIMIT, SMS_LIMIT, SUBJECT_LIMIT
from engine.text_sandbox import BoundedSandbox, compile_source, describe, render_bounded

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


class RenderError(Exception):
    """A template is missing, malformed or uses an unknown name (a permanent failure)."""


@dataclass(frozen=True)
class MessageText:
    """What a template produced: subject, plain text and the HTML of an email."""

    subject: str
    text: str
    html: str


def direction(locale: str) -> str:
    """Return ``rtl`` for Persian and Arabic, else ``ltr``."""
    return localize.direction(locale)


@lru_cache(maxsize=1)
def _file_env() -> BoundedSandbox:
    # Plain text: no autoescape; StrictUndefined so a misspelt name fails loudly instead
    # of sending a customer a message with a hole in it.
    return BoundedSandbox(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )


@lru_cache(maxsize=1)
def html_env() -> BoundedSandbox:
    """Return the bounded, autoescaping sandbox for HTML pages (email, letters)."""
    return BoundedSandbox(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )


@lru_cache(maxsize=128)
def _file_template(name: str) -> Template:
    return _file_env().get_template(name)


def _render(template: Callable[[], Template], context: Mapping[str, Any], limit: int) -> str:
    # Every failure of one message's text is that message's failure, whatever it raised
    # (issue 10 #4): a ZeroDivisionError must not escape the worker's batch.
    try:
        return render_bounded(template(), context, limit=limit).strip()
    except Exception as error:
        raise RenderError(f"template: {describe(error)}") from error


def _part(locale: str, name: str, part: str) -> Callable[[], Template] | None:
    path = TEMPLATE_DIR / locale / f"{name}.{part}.txt"
    if not path.resolve().is_relative_to(TEMPLATE_DIR):
        raise RenderError(f"template: bad name {name!r}")
    return (lambda: _file_template(f"{locale}/{name}.{part}.txt")) if path.exists() else None


def _source(source: str) -> Callable[[], Template]:
    return lambda: compile_source(source)


def render_text(
    *,
    channel: str,
    locale: str,
    context: Mapping[str, Any],
    template: str | None,
    subject_source: str | None,
    body_source: str | None,
) -> MessageText:
    """Render subject, text and (for email) HTML; raise RenderError on a bad template.

    The render is bounded (engine.text_sandbox): a subject has at most SUBJECT_LIMIT
    characters, an SMS SMS_LIMIT, an email or letter body BODY_LIMIT.
    """
    if template is not None:
        subject = _part(locale, template, "subject") or _source("")
        body = (channel == Channel.SMS and _part(locale, template, "sms")) or _part(
            locale, template, "body"
        )
        if body is None:
            raise RenderError(f"template: no {locale}/{template}.body.txt")
    else:
        subject, body = _source(subject_source or ""), _source(body_source or "")
    subject_text = " ".join(_render(subject, context, SUBJECT_LIMIT).split())  # one line
    text = _render(body, context, SMS_LIMIT if channel == Channel.SMS else BODY_LIMIT)
    html = email_html(subject_text, text, locale) if channel == Channel.EMAIL else ""
    return MessageText(subject=subject_text, text=text, html=html)


def email_html(subject: str, text: str, locale: str) -> str:
    """Return the HTML of an email: the text's paragraphs, escaped, in an RTL-aware page."""
    blocks = [block for block in text.split("\n\n") if block.strip()]
    paragraphs = "".join(
        '<p style="margin:0 0 12px 0">' + "<br>".join(map(escape, b.splitlines())) + "</p>"
        for b in blocks
    )
    side = "right" if direction(locale) == "rtl" else "left"
    return (
        f'<!DOCTYPE html><html lang="{locale}" dir="{direction(locale)}"><head>'
        f'<meta charset="utf-8"><title>{escape(subject)}</title></head>'
        f'<body dir="{direction(locale)}" style="direction:{direction(locale)};'
        f'text-align:{side};font-family:Vazirmatn,Tahoma,Arial,sans-serif;line-height:1.8">'
        f"{paragraphs}</body></html>"
    )
