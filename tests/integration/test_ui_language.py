"""No English left on a Persian page; Arabic pages are right-to-left; Jalali dates (E1)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import jdatetime

from engine import clock
from tests.integration.test_ui_flow import UiClient, created_id, i7_form

# Words that may stay in Latin letters on a Persian page: data the user typed (the demo's
# English supplier), codes and patterns shown as such, and the language switch naming
# English in its own script.
ALLOWED = {
    "English",
    "PDF",
    "Acme",
    "Supplies",
    "SQ",
    "SI",
    "SR",
    "PQ",
    "PI",
    "PR",
    "INV",
    "jyear",
    "seq",
    "d",
}
WORD = re.compile(r"[A-Za-z]{2,}")


class VisibleText(HTMLParser):
    """Collect text a reader sees (not scripts, styles, or code-marked elements)."""

    SKIP = {"script", "style", "template", "bdi"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.depth += 1
        for name, value in attrs:  # placeholders, labels and titles are read too
            if name in ("placeholder", "title", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    return {w for w in WORD.findall(" ".join(parser.parts)) if w not in ALLOWED}


def _pages(app: Any, ids: dict[str, int]) -> list[str]:
    clerk = UiClient(app, "clerk")
    document_id = created_id(clerk.post("/documents", i7_form(ids), status=302))
    clerk.post(f"/documents/{document_id}/submit", status=302)
    admin = UiClient(app, "admin")
    task = re.search(r'data-task-id="(\d+)"', admin.get("/cartable").get_data(as_text=True))
    assert task
    paths = [
        "/cartable",
        "/cartable?overdue=1&sort=amount",
        f"/tasks/{task.group(1)}",
        "/documents",
        "/documents?overdue=1",
        "/documents/new?type=sales_invoice",
        f"/documents/{document_id}",
        f"/documents/{document_id}/edit",
        "/admin/users",
        "/admin/roles",
        "/admin/types",
        "/admin/types/sales_invoice",
        "/admin/audit",
        "/me",
    ]
    return paths, admin


def test_persian_pages_have_no_english_words(app: Any, ids: dict[str, int]) -> None:
    paths, admin = _pages(app, ids)
    leftovers = {}
    for path in paths:
        html = admin.get(path).get_data(as_text=True)
        assert '<html lang="fa" dir="rtl">' in html, path
        found = english_words(html)
        if found:
            leftovers[path] = sorted(found)
    login = UiClient(app).get("/login").get_data(as_text=True)
    assert not english_words(login), english_words(login)
    assert not leftovers, leftovers


def test_arabic_pages_are_rtl_with_arabic_labels(app: Any, ids: dict[str, int]) -> None:
    paths, admin = _pages(app, ids)
    admin.post("/language", {"lang": "ar", "next": "/cartable"}, status=302)
    for path in paths[:7]:
        html = admin.get(path).get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in html, path
        assert not english_words(html), (path, english_words(html))


def test_persian_dates_are_jalali_with_persian_digits(app: Any, ids: dict[str, int]) -> None:
    clerk = UiClient(app, "clerk")
    document_id = created_id(clerk.post("/documents", i7_form(ids), status=302))
    html = clerk.get(f"/documents/{document_id}").get_data(as_text=True)
    today = jdatetime.date.fromgregorian(date=clock.business_today()).strftime("%Y/%m/%d")
    persian = today.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert persian in html


def test_jalali_date_typed_with_persian_digits_is_accepted(app: Any, ids: dict[str, int]) -> None:
    clerk = UiClient(app, "clerk")
    form = {**i7_form(ids), "issue_date": "۱۴۰۵/۰۹/۰۲"}
    document_id = created_id(clerk.post("/documents", form, status=302))
    html = clerk.get(f"/documents/{document_id}").get_data(as_text=True)
    assert "۱۴۰۵/۰۹/۰۲" in html
