"""The invoice page's Followers card: add, remove, message the followers, and the replies
in the history, in Persian and right to left (SPEC F1, F7, E1)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Flask

from engine.services.followups.followers import add_followers, post_to_thread
from engine.services.messaging.replies import InboundReply, record_reply
from engine.services.unit_of_work import UnitOfWork
from tests.integration.followup_support import customer, messages
from tests.integration.postings import posted_invoice
from tests.integration.test_ui_flow import UiClient
from tests.integration.test_ui_language import english_words

DUE = date(2026, 3, 31)


def _invoice(uow: UnitOfWork, ids: dict[str, int]) -> tuple[int, int]:
    contact_id = customer(uow, ids, "مشتری دنبال‌کننده")
    invoice_id = posted_invoice(
        uow, ids, contact_id, "1000000", issued=DUE - timedelta(days=30), due=DUE
    )
    return contact_id, invoice_id


def test_a_clerk_adds_a_follower_writes_to_them_and_removes_them(
    app: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, invoice_id = _invoice(uow, ids)
    clerk = UiClient(app, "clerk")
    page = clerk.get(f"/documents/{invoice_id}").get_data(as_text=True)
    assert 'id="followers"' in page and 'id="add-follower"' in page

    clerk.post(f"/documents/{invoice_id}/followers", {"contact_id": str(contact_id)}, status=302)
    page = clerk.get(f"/documents/{invoice_id}").get_data(as_text=True)
    assert f'data-contact-id="{contact_id}"' in page and "c@example.com" in page

    clerk.post(f"/documents/{invoice_id}/thread", {"body": "  "}, status=302)
    assert "ابتدا پیامی بنویسید" in clerk.get(f"/documents/{invoice_id}").get_data(as_text=True)
    page = clerk.get(f"/documents/{invoice_id}").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page)
    assert key is not None
    form = {"subject": "تحویل", "body": "تاریخ تحویل را تأیید کنید.", "request_key": key[1]}
    for _ in range(2):  # a double click posts once
        clerk.post(f"/documents/{invoice_id}/thread", form, status=302)
    (sent,) = messages(uow, contact_id)
    assert (
        sent.template == "thread_message" and sent.context["text"] == "تاریخ تحویل را تأیید کنید."
    )
    page = clerk.get(f"/documents/{invoice_id}").get_data(as_text=True)
    assert 'data-action="thread_message"' in page and "تاریخ تحویل را تأیید کنید." in page

    clerk.post(f"/documents/{invoice_id}/followers/{contact_id}/remove", status=302)
    page = clerk.get(f"/documents/{invoice_id}").get_data(as_text=True)
    assert f'data-contact-id="{contact_id}"' not in page


def test_a_reader_sees_the_followers_but_cannot_change_them(
    app: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, invoice_id = _invoice(uow, ids)
    with uow:
        add_followers(uow, document_ids=[invoice_id], contact_id=contact_id, origin="followup:3")
        uow.commit()
    approver = UiClient(app, "approver")
    page = approver.get(f"/documents/{invoice_id}").get_data(as_text=True)
    assert f'data-contact-id="{contact_id}"' in page
    assert "/remove" not in page and 'id="thread-form"' not in page
    refused = approver.post(f"/documents/{invoice_id}/followers/{contact_id}/remove")
    assert refused.status_code == 403


def test_the_followers_card_has_no_english_words_in_persian(
    app: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, invoice_id = _invoice(uow, ids)
    with uow:
        add_followers(uow, document_ids=[invoice_id], contact_id=contact_id, origin="followup:3")
        uow.commit()
    html = UiClient(app, "clerk").get(f"/documents/{invoice_id}").get_data(as_text=True)
    start = html.rindex("<section", 0, html.index('id="followers"'))
    card = html[start : html.index("</section>", start)]
    assert english_words(card) == set()


def test_a_reply_shows_in_the_customers_followup_history(
    app: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, invoice_id = _invoice(uow, ids)
    with uow:
        add_followers(uow, document_ids=[invoice_id], contact_id=contact_id, origin="manual")
        uow.commit()
    (message,) = post_to_thread(uow, actor_id=ids["clerk"], document_id=invoice_id, body="سلام")
    record_reply(
        uow,
        InboundReply(message.id, "c@example.com", "Re: سلام", "فردا پرداخت می‌کنم."),
    )
    page = UiClient(app, "accountant").get(f"/followups/{contact_id}").get_data(as_text=True)
    assert "پاسخ دریافت شد" in page and "فردا پرداخت می‌کنم." in page
    invoice = UiClient(app, "clerk").get(f"/documents/{invoice_id}").get_data(as_text=True)
    assert 'data-action="reply_received"' in invoice and "Re: سلام" in invoice
