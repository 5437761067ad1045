"""HTML to PDF with WeasyPrint: Persian shaped by Pango, Vazirmatn embedded, RTL first.

Invoices (I9), customer statements (F9), follow-up reports (F10) and postal letters
(ARCHITECTURE §7) all go through :func:`html_to_pdf`. The Vazirmatn font comes from the
npm package vendored under ``web/ui/static/vendor/vazirmatn`` (the same files the web
pages use), so a PDF looks the same on every machine whatever fonts it has installed.

Mixed-direction text: callers wrap left-to-right runs (numbers, document codes, emails)
in ``<bdi>`` (see :func:`ltr`) so the bidi algorithm cannot reorder them inside an RTL
paragraph; the stylesheet here isolates ``bdi`` and keeps its digits left to right.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from engine.domain import localize

logger = logging.getLogger(__name__)
# WeasyPrint reports every rendering step at INFO; keep the server log for our events.
logging.getLogger("weasyprint").setLevel(logging.WARNING)

FONT_FAMILY = "Vazirmatn"
FONT_DIR = Path(__file__).resolve().parent.parent / "web" / "ui" / "static" / "vendor" / "vazirmatn"
_WEIGHTS = {400: "Regular", 700: "Bold"}
# WeasyPrint reads both; TTF first because it subsets without a decompression step.
_SUFFIXES = (".ttf", ".woff2", ".woff")

_BASE_CSS = """
@page { size: A4; margin: 16mm 14mm; }
html { font-family: FAMILY, sans-serif; font-size: 10pt; }
html[dir=rtl] { direction: rtl; }
bdi, .ltr { direction: ltr; }
table { border-collapse: collapse; width: 100%; }
""".replace("FAMILY", FONT_FAMILY)


class FontMissing(RuntimeError):
    """The vendored Vazirmatn files are not where the PDF renderer looks for them."""


def ltr(text: object) -> str:
    """Return ``text`` escaped and wrapped in ``<bdi dir="ltr">`` for an RTL page."""
    return localize.bdi(text)


def text_direction(language: str) -> str:
    """Return ``rtl`` for Persian and Arabic, ``ltr`` otherwise."""
    return localize.direction(language)


@lru_cache(maxsize=4)
def font_files(font_dir: Path = FONT_DIR) -> dict[int, Path]:
    """Return {weight: file} for the regular and bold Vazirmatn faces.

    Raises FontMissing when the vendored package is absent (run the vendoring script).
    """
    found: dict[int, Path] = {}
    for weight, style in _WEIGHTS.items():
        for suffix in _SUFFIXES:
            # The static faces, not the variable font nor the "misc" variants
            # (non-Latin, Farsi digits), which would change how Latin text looks.
            candidates = sorted(
                p for p in font_dir.rglob(f"Vazirmatn-{style}{suffix}") if "misc" not in p.parts
            )
            if candidates:
                found[weight] = candidates[0]
                break
    if 400 not in found:
        raise FontMissing(f"Vazirmatn-Regular not found under {font_dir}")
    return found


def font_face_css(font_dir: Path = FONT_DIR) -> str:
    """Return the @font-face rules that embed Vazirmatn from local files."""
    rules = []
    for weight, path in font_files(font_dir).items():
        rules.append(
            f"@font-face {{ font-family: {FONT_FAMILY}; src: url('{path.as_uri()}');"
            f" font-weight: {weight}; }}"
        )
    return "\n".join(rules)


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render an HTML page to PDF bytes with Vazirmatn embedded.

    The page sets its own ``<html lang dir>``; the base stylesheet gives RTL layout to
    ``dir=rtl`` pages and isolates ``<bdi>`` runs. ``base_url`` resolves relative links
    (images, stylesheets) in ``html``. Raises FontMissing when the font is not vendored.
    """
    return pages_to_pdf([html], base_url=base_url)


def pages_to_pdf(htmls: Sequence[str], *, base_url: str | None = None) -> bytes:
    """Render several HTML pages, each with its own stylesheet, into one PDF, in order.

    A letter followed by the invoices it is about is one file to print; each part keeps
    its own layout because each is laid out alone before the pages are joined.
    """
    if not htmls:
        raise ValueError("no page to render")
    font_config = FontConfiguration()
    stylesheets = [
        CSS(string=font_face_css(), font_config=font_config),
        CSS(string=_BASE_CSS, font_config=font_config),
    ]
    documents = [
        HTML(string=html, base_url=base_url).render(
            stylesheets=stylesheets, font_config=font_config
        )
        for html in htmls
    ]
    pages = [page for document in documents for page in document.pages]
    pdf = documents[0].copy(pages).write_pdf()
    if not isinstance(pdf, bytes):  # write_pdf returns bytes when no target is given
        raise RuntimeError("WeasyPrint returned no PDF")
    logger.debug("pdf rendered", extra={"bytes": len(pdf), "parts": len(htmls)})
    return pdf
