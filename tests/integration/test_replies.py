"""Customers' emailed replies come back through POST /webhooks/inbound-email (SendGrid
Inbound Parse) and join the invoice's thread and the customer's follow-up (SPEC F1, F7)."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from engine.config import Settings
from engine.domain.replies import ReplyAddresses
from engine.models.followups import FollowupEvent
from engine.services.followups.customers import update_customer_followup
from engine.services.followups.followers import add_followers, post_to_thread
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user
from tests.integration.followup_support import (
    at,
    customer,
    messages,
    post_directly,
    posted_invoice,
    row_counts,
)
from web import create_app

DOMAIN = "reply.example.com"
SECRET = "test-secret"
TOKEN = "inbound-token-123"
REPLIES = ReplyAddresses(domain=DOMAIN, secret=SECRET)


@pytest.fixture
def inbound_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key=SECRET,
        reply_domain=DOMAIN,
        inbound_token=TOKEN,
    )
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    app.extensions["cartable"].engine.dispose()


@pytest.fixture
def client(inbound_app: Flask) -> FlaskClient:
    return inbound_app.test_client()


@pytest.fixture
def thread(uow: UnitOfWork, ids: dict[str, int]) -> dict[str, int]:
    """An invoice whose customer follows it, a message to the customer, a responsible user."""
    post_directly(uow, ids)
    with time_machine.travel(at(date(2026, 3, 1)), tick=False):
        contact_id = customer(uow, ids, "مشتری پاسخ‌دهنده", email="customer@example.com")
        invoice_id = posted_invoice(uow, ids, contact_id, date(2026, 3, 31))
    with uow:
        add_followers(uow, document_ids=[invoice_id], contact_id=contact_id, origin="followup:3")
        uow.commit()
    (message,) = post_to_thread(
        uow, actor_id=ids["accountant"], document_id=invoice_id, body="لطفاً پرداخت کنید."
    )
    user_id = create_user(
        uow,
        username="sara@example.com",
        password="a long enough password",
        roles=("accountant",),
        full_name="سارا",
        locale="fa",
    )
    update_customer_followup(
        uow, contact_id=contact_id, changes={"responsible_id": user_id}, actor_id=ids["admin"]
    )
    return {"contact": contact_id, "invoice": invoice_id, "message": message.id}


def _form(address: str, **overrides: str) -> dict[str, Any]:
    form = {
        "from": "مشتری <customer@example.com>",
        "to": f"Cartable <{address}>",
        "subject": "Re: پیام درباره‌ی فاکتور",
        "text": "پرداخت فردا انجام می‌شود.\n\n> پیام قبلی",
        "html": "",
        "envelope": json.dumps({"to": [address], "from": "customer@example.com"}),
        "headers": "Message-ID: <abc123@mail.example.com>\nFrom: customer@example.com\n",
    }
    form.update(overrides)
    return form


def _post(client: FlaskClient, form: dict[str, Any], token: str | None = TOKEN) -> Any:
    url = "/webhooks/inbound-email" + (f"?token={token}" if token is not None else "")
    return client.post(url, data=form, content_type="multipart/form-data")


def test_a_bad_or_missing_token_is_refused_and_changes_nothing(
    client: FlaskClient, uow: UnitOfWork, thread: dict[str, int]
) -> None:
    before = row_counts(uow)
    good = _form(REPLIES.address(thread["message"]))
    for token in ("wrong", None, ""):
        response = _post(client, good, token)
        assert response.status_code == 403
        assert response.get_json()["code"] == 403
    assert row_counts(uow) == before


def test_the_webhook_is_absent_until_replies_are_set_up(
    app: Flask, uow: UnitOfWork, thread: dict[str, int]
) -> None:
    response = _post(app.test_client(), _form(REPLIES.address(thread["message"])))
    assert response.status_code == 404


def test_a_forged_or_foreign_address_is_ignored(
    client: FlaskClient, uow: UnitOfWork, thread: dict[str, int]
) -> None:
    before = row_counts(uow)
    forged = f"reply+{thread['message']}.000000000000@{DOMAIN}"
    other = REPLIES.address(thread["message"]).replace(DOMAIN, "elsewhere.example")
    for to in (forged, other):
        response = _post(client, _form(to, envelope=json.dumps({"to": [to]})))
        assert response.status_code == 200
        assert "ignored" in response.get_json()
    unknown = _post(client, _form(REPLIES.address(999999)))
    assert unknown.get_json() == {"ignored": "unknown message"}
    assert row_counts(uow) == before


def test_a_reply_joins_the_invoice_and_the_customer_history_and_is_forwarded_once(
    client: FlaskClient, uow: UnitOfWork, thread: dict[str, int]
) -> None:
    address = REPLIES.address(thread["message"])
    # Only the envelope names the reply address (the customer's client rewrote To).
    form = _form(address, to="someone@example.com")
    response = _post(client, form)
    assert response.status_code == 200
    assert response.get_json() == {"recorded": [thread["invoice"]]}

    with uow:
        (line,) = [
            e for e in uow.documents.events(thread["invoice"]) if e.action == "reply_received"
        ]
        assert line.comment.startswith("پرداخت فردا انجام می‌شود.")
        assert line.details["sender"] == "مشتری <customer@example.com>"
        assert line.details["message_id"] == thread["message"]
        events = uow.session.scalars(
            select(FollowupEvent).where(
                FollowupEvent.contact_id == thread["contact"], FollowupEvent.kind == "reply"
            )
        ).all()
        assert [(e.message_id, e.document_ids) for e in events] == [
            (thread["message"], [thread["invoice"]])
        ]
    (forward,) = [m for m in messages(uow) if m.template == "reply_forward"]
    assert forward.recipient == "sara@example.com" and forward.locale == "fa"
    assert forward.context["text"].startswith("پرداخت فردا") and forward.document_ids == []

    before = row_counts(uow)
    again = _post(client, form)  # the provider delivers it a second time
    assert again.get_json() == {"ignored": "already recorded"}
    assert row_counts(uow) == before


def test_a_reply_without_message_id_is_recognised_by_its_content(
    client: FlaskClient, uow: UnitOfWork, thread: dict[str, int]
) -> None:
    form = _form(REPLIES.address(thread["message"]), headers="From: customer@example.com\n")
    assert "recorded" in _post(client, form).get_json()
    before = row_counts(uow)
    assert _post(client, form).get_json() == {"ignored": "already recorded"}
    assert row_counts(uow) == before


def _responsible(uow: UnitOfWork, ids: dict[str, int], contact_id: int, email: str) -> None:
    user_id = create_user(
        uow, username="reza", password="another password", roles=("accountant",), email=email
    )
    update_customer_followup(
        uow, contact_id=contact_id, changes={"responsible_id": user_id}, actor_id=ids["admin"]
    )


def test_the_forward_goes_to_the_users_email_address(
    client: FlaskClient, uow: UnitOfWork, ids: dict[str, int], thread: dict[str, int]
) -> None:
    _responsible(uow, ids, thread["contact"], "reza.ahmadi@example.com")
    assert "recorded" in _post(client, _form(REPLIES.address(thread["message"]))).get_json()
    (forward,) = [m for m in messages(uow) if m.template == "reply_forward"]
    assert forward.recipient == "reza.ahmadi@example.com"


def test_a_user_without_an_address_gets_no_forward(
    client: FlaskClient, uow: UnitOfWork, ids: dict[str, int], thread: dict[str, int]
) -> None:
    _responsible(uow, ids, thread["contact"], "")
    assert "recorded" in _post(client, _form(REPLIES.address(thread["message"]))).get_json()
    assert not [m for m in messages(uow) if m.template == "reply_forward"]


def test_the_token_may_come_as_the_basic_auth_password(
    client: FlaskClient, uow: UnitOfWork, thread: dict[str, int]
) -> None:
    """SendGrid posts to https://inbound:<token>@host/…: the token stays out of access logs."""
    form = _form(REPLIES.address(thread["message"]))

    def post(password: str) -> Any:
        credentials = base64.b64encode(f"inbound:{password}".encode()).decode()
        return client.post(
            "/webhooks/inbound-email",
            data=form,
            content_type="multipart/form-data",
            headers={"Authorization": f"Basic {credentials}"},
        )

    before = row_counts(uow)
    assert post("wrong").status_code == 403
    assert row_counts(uow) == before
    assert post(TOKEN).status_code == 200
    assert row_counts(uow) != before


def test_issue10_5_a_reply_with_attachments_over_the_request_limit_is_still_recorded(
    client: FlaskClient, uow: UnitOfWork, thread: dict[str, int]
) -> None:
    """The app-wide 4 MiB request limit would refuse (413) a reply carrying a 6 MiB
    attachment, and SendGrid would drop it after retrying; this webhook allows 30 MB."""
    form: dict[str, Any] = _form(REPLIES.address(thread["message"]))
    form["attachment1"] = FileStorage(io.BytesIO(b"%PDF" + b"0" * (6 << 20)), "receipt.pdf")
    boundary, body = encode_multipart(form)  # in memory: no spooled file left open
    response = client.post(
        f"/webhooks/inbound-email?token={TOKEN}",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"recorded": [thread["invoice"]]}
