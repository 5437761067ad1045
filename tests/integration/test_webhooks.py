"""Signed delivery webhooks and GET /api/v1/messages (E5)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from engine import clock
from engine.config import Settings
from engine.models.documents import DocumentEvent
from engine.services.messaging.outbox import list_messages
from engine.services.messaging.status import record_outcome
from engine.services.unit_of_work import UnitOfWork
from notifications.channels import channels_for
from notifications.outbox import claim_due, send_due
from tests.integration.conftest import Api
from tests.notifications.support import draft_invoice, queue
from web import create_app

TWILIO_TOKEN = "twilio-webhook-token"
PUBLIC_URL = "https://cartable.example.com"


@pytest.fixture
def signing_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def webhook_app(
    database_url: str, tmp_path: Path, signing_key: ec.EllipticCurvePrivateKey
) -> Iterator[Flask]:
    der = signing_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="test-secret",
        sendgrid_webhook_public_key=base64.b64encode(der).decode(),
        twilio_auth_token=TWILIO_TOKEN,
        public_url=PUBLIC_URL,
    )
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    app.extensions["cartable"].engine.dispose()


@pytest.fixture
def client(webhook_app: Flask) -> FlaskClient:
    return webhook_app.test_client()


def _sent_message(
    uow: UnitOfWork, key: str, *, provider_id: str, document_ids: tuple[int, ...] = ()
) -> int:
    message_id = queue(uow, key, document_ids=document_ids)
    (claim,) = claim_due(uow, limit=1, lease_seconds=60)
    record_outcome(
        uow, message_id=message_id, token=claim.token, outcome="sent", provider_id=provider_id
    )
    return message_id


def _status(uow: UnitOfWork, message_id: int) -> str:
    return next(m.status for m in list_messages(uow) if m.id == message_id)


def _sendgrid_post(
    client: FlaskClient,
    key: ec.EllipticCurvePrivateKey,
    events: list[dict[str, Any]],
    *,
    timestamp: str | None = None,
    tamper: bool = False,
) -> Any:
    payload = json.dumps(events)
    timestamp = timestamp or str(int(clock.now().timestamp()))
    signature = key.sign((timestamp + payload).encode(), ec.ECDSA(hashes.SHA256()))
    if tamper:
        payload = payload.replace("delivered", "bounce")
    return client.post(
        "/webhooks/sendgrid",
        data=payload,
        content_type="application/json",
        headers={
            "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
            "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
        },
    )


def _delivered(key: str) -> list[dict[str, Any]]:
    return [{"event": "delivered", "cartable_key": key, "sg_message_id": "sg-1.filter0001"}]


def test_sendgrid_bad_signature_is_refused_and_changes_nothing(
    client: FlaskClient, uow: UnitOfWork, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    message_id = _sent_message(uow, "sg-bad", provider_id="sg-1")
    other_key = ec.generate_private_key(ec.SECP256R1())
    assert _sendgrid_post(client, other_key, _delivered("sg-bad")).status_code == 403
    assert _sendgrid_post(client, signing_key, _delivered("sg-bad"), tamper=True).status_code == 403
    stale = str(int((clock.now() - timedelta(hours=1)).timestamp()))
    response = _sendgrid_post(client, signing_key, _delivered("sg-bad"), timestamp=stale)
    assert response.status_code == 403
    unsigned = client.post("/webhooks/sendgrid", json=_delivered("sg-bad"))
    assert unsigned.status_code == 403
    assert unsigned.get_json()["message"] == "bad or missing signature"
    assert _status(uow, message_id) == "sent"


def test_sendgrid_signed_delivered_event_marks_the_message_delivered(
    client: FlaskClient,
    uow: UnitOfWork,
    signing_key: ec.EllipticCurvePrivateKey,
    ids: dict[str, int],
) -> None:
    document_id = draft_invoice(uow, ids)
    message_id = _sent_message(uow, "sg-good", provider_id="sg-1", document_ids=(document_id,))
    response = _sendgrid_post(client, signing_key, _delivered("sg-good"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"updated": 1}
    assert _status(uow, message_id) == "delivered"
    # A late "processed" event does not move the status back.
    _sendgrid_post(client, signing_key, [{"event": "processed", "cartable_key": "sg-good"}])
    assert _status(uow, message_id) == "delivered"
    with uow:
        actions = list(
            uow.session.scalars(
                select(DocumentEvent.action).where(DocumentEvent.document_id == document_id)
            )
        )
    assert "message_delivered" in actions


def test_sendgrid_bounce_found_by_provider_id_fails_the_message(
    client: FlaskClient, uow: UnitOfWork, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    message_id = _sent_message(uow, "sg-bounce", provider_id="abc123")
    events = [{"event": "bounce", "sg_message_id": "abc123.filter1", "reason": "550 no user"}]
    assert _sendgrid_post(client, signing_key, events).status_code == 200
    failed = next(m for m in list_messages(uow) if m.id == message_id)
    assert failed.status == "failed"
    assert "550 no user" in (failed.last_error or "")


def _twilio_post(client: FlaskClient, key: str, form: dict[str, str], token: str) -> Any:
    path = f"/webhooks/twilio?key={key}&message_id=1"
    signature = RequestValidator(token).compute_signature(PUBLIC_URL + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def test_twilio_status_callback_needs_a_valid_signature(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    message_id = _sent_message(uow, "tw-1", provider_id="SM1")
    form = {"MessageSid": "SM1", "MessageStatus": "delivered"}
    assert _twilio_post(client, "tw-1", form, "not-the-token").status_code == 403
    assert _status(uow, message_id) == "sent"
    response = _twilio_post(client, "tw-1", form, TWILIO_TOKEN)
    assert response.status_code == 200
    assert _status(uow, message_id) == "delivered"


def test_twilio_undelivered_is_a_failure_with_the_error_code(
    client: FlaskClient, uow: UnitOfWork
) -> None:
    message_id = _sent_message(uow, "tw-2", provider_id="SM2")
    form = {"MessageSid": "SM2", "MessageStatus": "undelivered", "ErrorCode": "30003"}
    assert _twilio_post(client, "tw-2", form, TWILIO_TOKEN).status_code == 200
    failed = next(m for m in list_messages(uow) if m.id == message_id)
    assert failed.status == "failed" and "30003" in (failed.last_error or "")


def test_report_for_an_interrupted_send_settles_it(
    client: FlaskClient, uow: UnitOfWork, tmp_path: Path
) -> None:
    message_id = queue(uow, "tw-crash", channel="sms")
    claim_due(uow, limit=1, lease_seconds=60)  # the worker sends, then dies
    form = {"MessageSid": "SM9", "MessageStatus": "sent"}
    assert _twilio_post(client, "tw-crash", form, TWILIO_TOKEN).status_code == 200
    settings = Settings(data_dir=tmp_path, database_url="sqlite://", secret_key="x")
    with time_machine.travel(clock.now() + timedelta(seconds=61), tick=False):
        assert send_due(uow, channels_for(settings), settings).handled == 0
    settled = next(m for m in list_messages(uow) if m.id == message_id)
    assert (settled.status, settled.provider_message_id) == ("sent", "SM9")


@pytest.fixture
def messages_api(client: FlaskClient, uow: UnitOfWork) -> Api:
    return Api(client, uow)


def test_messages_api_lists_status_by_contact_and_refuses_bad_input(
    messages_api: Api, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    queue(uow, "api-1", channel="sms", contact_id=ids["sameri"])
    body = messages_api.ok("GET", f"/api/v1/messages?contact_id={ids['sameri']}", as_="clerk")
    assert [(m["idempotency_key"], m["status"], m["channel"]) for m in body] == [
        ("api-1", "queued", "sms")
    ]
    assert messages_api.ok("GET", "/api/v1/messages?status=failed") == []
    bad = messages_api.get("/api/v1/messages?status=lost")
    assert bad.status_code == 422 and "status" in bad.get_json()["errors"]
    assert messages_api.client.get("/api/v1/messages").status_code == 401


@pytest.mark.parametrize("timestamp", ["١٢٣٤٥", "²", "1" * 5000, " 12", "+12"])
def test_issue10_9_sendgrid_timestamp_of_non_ascii_digits_is_refused_not_500(
    client: FlaskClient, signing_key: ec.EllipticCurvePrivateKey, timestamp: str
) -> None:
    """Issue 10 #9: str.isdigit() takes '١٢٣٤٥' and '²'; the signature check must not 500."""
    response = _sendgrid_post(client, signing_key, _delivered("sg-x"), timestamp=timestamp)
    assert 400 <= response.status_code < 500, response.status_code


def test_issue10_9_sendgrid_current_timestamp_in_arabic_digits_is_refused(
    client: FlaskClient, signing_key: ec.EllipticCurvePrivateKey
) -> None:
    """A current time written in Arabic-Indic digits passes isdigit() and int() alike."""
    now = str(int(clock.now().timestamp())).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    response = _sendgrid_post(client, signing_key, _delivered("sg-x"), timestamp=now)
    assert response.status_code == 403
