"""Render a message in the recipient's language with a sandboxed Jinja environment (C4).

Templates come from two places: files under ``notifications/templates/<locale>/`` named
by the message's ``template`` (``<name>.subject.txt``, ``<name>.body.txt`` and, for SMS,
``<name>.sms.txt``), or the subject/body sources stored on the message (an editable
follow-up level's text, F1/F5). Both run in a SandboxedEnvironment: a user who may edit
a level's text must not reach Python objects through it. Bodies are plain text; the HTML
of an email is built from it with every value escaped, in a page whose ``lang`` and
``dir`` follow the locale (Persian and Arabic are right to left).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    select_autoescape,
)
from jinja2.sandbox import SandboxedEnvironment

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
RTL_LOCALES = frozenset({"fa", "ar"})


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
    return "rtl" if locale in RTL_LOCALES else "ltr"


@lru_cache(maxsize=1)
def _text_env() -> SandboxedEnvironment:
    # Plain text: no autoescape; StrictUndefined so a misspelt name fails loudly instead
    # of sending a customer a message with a hole in it.
    return SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )


@lru_cache(maxsize=1)
def html_env() -> SandboxedEnvironment:
    """Return the sandboxed, autoescaping environment for HTML pages (email, letters)."""
    return SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    return _text_env().from_string(source)


def _render_source(source: str, context: Mapping[str, Any]) -> str:
    try:
        return _compiled(source).render(**context).strip()
    except TemplateError as error:
        raise RenderError(f"template: {error.message or type(error).__name__}") from error


@lru_cache(maxsize=512)
def _file_source(locale: str, name: str, part: str) -> str | None:
    path = TEMPLATE_DIR / locale / f"{name}.{part}.txt"
    if not path.resolve().is_relative_to(TEMPLATE_DIR):
        raise RenderError(f"template: bad name {name!r}")
    return path.read_text(encoding="utf-8") if path.exists() else None


def render_text(
    *,
    channel: str,
    locale: str,
    context: Mapping[str, Any],
    template: str | None,
    subject_source: str | None,
    body_source: str | None,
) -> MessageText:
    """Render subject, text and (for email) HTML; raise RenderError on a bad template."""
    if template is not None:
        subject_src = _file_source(locale, template, "subject") or ""
        body_src = (channel == "sms" and _file_source(locale, template, "sms")) or _file_source(
            locale, template, "body"
        )
        if body_src is None:
            raise RenderError(f"template: no {locale}/{template}.body.txt")
    else:
        subject_src, body_src = subject_source or "", body_source or ""
    subject = " ".join(_render_source(subject_src, context).split())  # one header line
    text = _render_source(body_src, context)
    html = email_html(subject, text, locale) if channel == "email" else ""
    return MessageText(subject=subject, text=text, html=html)


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
