"""Languages of the web app (E1): which one a request gets, and its compiled catalogs."""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request, session
from flask_login import current_user

from engine.domain import localize

logger = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "translations"
# Language code -> (name shown in its own script, text direction).
LANGUAGES: dict[str, tuple[str, str]] = {
    "fa": ("فارسی", "rtl"),
    "ar": ("العربية", "rtl"),
    "en": ("English", "ltr"),
}


def select_locale() -> str:
    """Return the request's language: the user's choice, then the session's, then the default."""
    if current_user.is_authenticated and current_user.locale in LANGUAGES:
        return str(current_user.locale)
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    default = current_app.extensions["cartable"].settings.default_locale
    if default in LANGUAGES:
        return str(default)
    return request.accept_languages.best_match(list(LANGUAGES)) or "fa"


def direction(locale: str) -> str:
    """Return ``rtl`` or ``ltr`` for a language code."""
    return localize.direction(locale)


def compile_catalogs(directory: Path = TRANSLATIONS_DIR) -> None:
    """Compile each messages.po whose .mo is missing or older (so a fresh clone just runs).

    `make translations` does the same with pybabel; this keeps tests and `cartable serve`
    right when someone edited a .po and did not run it.
    """
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
        except OSError:
            logger.warning("cannot compile %s; run `make translations`", po_path)
