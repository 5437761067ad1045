"""The /followups pages: customers needing action, bulk processing, a customer's page with
manual send, and the levels editor, right to left in Persian (SPEC F1, F4, F5, F8, E1)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import time_machine
from flask import Flask

from engine.services.unit_of_work import UnitOfWork
from tests.integration.followup_support import at, customer, messages
from tests.integration.postings import posted_invoice
from tests.integration.test_ui_flow import UiClient
from tests.integration.test_ui_language import english_words

DUE = date(2026, 3, 31)


def _late(uow: UnitOfWork, ids: dict[str, int]) -> int:
    contact_id = customer(uow, ids, "مشتری صفحه پیگیری")
    posted_invoice(uow, ids, contact_id, "1000000", issued=DUE - timedelta(days=30), due=DUE)
    return contact_id


def test_the_list_shows_who_needs_action_and_bulk_processing_sends(
    app: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id = _late(uow, ids)
    with time_machine.travel(at(DUE + timedelta(days=8)), tick=False):
        client = UiClient(app, "accountant")  # signed in on that day: sessions expire
        page = client.get("/followups").get_data(as_text=True)
        assert 'dir="rtl"' in page and "مشتری صفحه پیگیری" in page
        client.post("/followups/process", {"contact_id": [str(contact_id)]}, status=302)
        page = client.get(f"/followups/{contact_id}").get_data(as_text=True)
    assert [m.channel for m in messages(uow, contact_id)] == ["email"]
    assert "c@example.com" in page  # the history names the recipient
    with uow:
        state = uow.followups.of_contact(contact_id)
        assert state is not None and state.instance_id is not None
        instance_id = state.instance_id
    with time_machine.travel(at(DUE + timedelta(days=8)), tick=False):
        diagram = client.get(f"/process-instances/{instance_id}").get_data(as_text=True)
    # E4: the new instance waits on its level timer, shown as the current step under
    # the diagram's Persian name (issue 13 §3)
    assert 'data-status="running"' in diagram and "موعد مرحلهٔ بعد" in diagram


def test_manual_send_and_print_from_the_customer_page(
    app: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id = _late(uow, ids)
    client = UiClient(app, "clerk")
    client.get(f"/followups/{contact_id}")
    form = {
        "channel": ["sms"],
        "locale": "fa",
        "sms": "لطفاً بدهی خود را بپردازید",
        "attach_invoices": "1",
        "action": "send_and_print",
    }
    client.post(f"/followups/{contact_id}/send", form, status=302)
    rows = messages(uow, contact_id)
    assert sorted(r.channel for r in rows) == ["letter", "sms"]
    sms = next(r for r in rows if r.channel == "sms")
    assert sms.body_source == "لطفاً بدهی خود را بپردازید" and sms.recipient == "+989120000000"


def test_the_levels_editor_changes_days(app: Flask, uow: UnitOfWork) -> None:
    client = UiClient(app, "admin")
    page = client.get("/followups/levels").get_data(as_text=True)
    assert "نامه رسمی و تماس تلفنی" in page
    with uow:
        level = next(lvl for lvl in uow.followups.levels() if lvl.days == 30)
        level_id, templates = level.id, level.templates
    form = {
        "description": "نامه رسمی",
        "days": "۴۵",
        "channel_letter": "1",
        "automatic": "1",
        "is_active": "1",
        "activity_type": "call",
        "activity_summary": "تماس",
        **{
            f"{loc}_{part}": text
            for loc, parts in templates.items()
            for part, text in parts.items()
        },
    }
    client.post(f"/followups/levels/{level_id}", form, status=302)
    with uow:
        assert uow.followups.level(level_id).days == 45  # type: ignore[union-attr]
    bad = client.post(f"/followups/levels/{level_id}", {**form, "days": "7"})
    assert bad.status_code == 422  # the +7 level already fires that day


def test_followup_pages_have_no_english_words_in_persian_and_are_rtl_in_arabic(
    app: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id = _late(uow, ids)
    paths = ["/followups?on=2026-05-01", f"/followups/{contact_id}", "/followups/levels"]
    admin = UiClient(app, "admin")
    admin.post("/followups/process", {"contact_id": [str(contact_id)]}, status=302)
    leftovers = {}
    for path in paths:
        html = admin.get(path).get_data(as_text=True)
        assert '<html lang="fa" dir="rtl">' in html, path
        # the English texts of the levels are data typed in English, not UI labels
        html = re.sub(r'<fieldset lang="en".*?</fieldset>', "", html, flags=re.S)
        html = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", html)  # template placeholders
        leftovers[path] = sorted(english_words(html))
    assert leftovers == {path: [] for path in paths}

    admin.post("/language", {"lang": "ar"}, status=302)
    html = admin.get("/followups/levels").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html and "مستويات المتابعة" in html
