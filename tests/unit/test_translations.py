"""Every string the pages show has a Persian and an Arabic translation (E1).

The strings are extracted from the code as `make translations` does (babel.cfg), so a
new label fails here until both catalogs translate it, plural forms included.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def _used_strings() -> set[str]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(ROOT, method_map, options_map, keywords=KEYWORDS)
    return {m[2] if isinstance(m[2], str) else m[2][0] for m in found if "/.venv/" not in m[0]}


def _untranslated(message: Message) -> bool:
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return message.fuzzy or not all(forms)


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_every_page_string_is_translated(language: str) -> None:
    path = ROOT / "web" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po)
    missing = sorted(
        text
        for text in _used_strings()
        if (message := catalog.get(text)) is None or _untranslated(message)
    )
    assert missing == []
