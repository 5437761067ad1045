"""Follow-up texts are compiled and test-rendered when saved or sent (issue 10 #3; F1, F5).

On 37b3c44 any text was stored; `{{ (3 ** (customer|length * 3000000)) % 7 }}` then
stalled the serving process when the message was rendered. Now the bounded sandbox
refuses it at once: 422 naming templates.<locale>.<part>, nothing stored or queued.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from flask import Flask

from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.flows import field_errors
from tests.integration.followup_support import (
    at,
    customer,
    messages,
    post_directly,
    posted_invoice,
    row_counts,
)
from tests.integration.test_ui_flow import UiClient

HEAVY = {
    "power": "{{ (3 ** (customer|length * 3000000)) % 7 }}",
    "nested power": "{{ 9 ** (9 ** 9) }}",
    "repetition": "{{ 'x' * 30000000 }}",
    "list repetition": "{{ [customer] * 30000000 }}",
    "shift": "{{ 1 << 100000 }}",
    "big output": "{% for i in range(100000) %}{{ customer }} {{ total_due }}{% endfor %}",
    "nested loops": "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}",
    "division by zero": "{{ (customer|length) / 0 }}",
    "unknown name": "{{ no_such_name }}",
}


def _late_customer(uow: UnitOfWork, ids: dict[str, int], api: Api | None = None) -> int:
    if api is not None:  # tokens issued now stay valid while the tests travel back in time
        for user in ("admin", "accountant", "clerk"):
            api.token(user)
    post_directly(uow, ids)
    with time_machine.travel(at(date(2026, 3, 1)), tick=False):
        contact_id = customer(uow, ids, "مشتری دیرکرد")
        posted_invoice(uow, ids, contact_id, date(2026, 3, 31))
    return contact_id


@pytest.mark.parametrize("kind", sorted(HEAVY))
def test_issue10_3_a_heavy_level_text_is_refused_when_saved(api: Api, kind: str) -> None:
    before = api.ok("GET", "/api/v1/followup-levels")
    body = {
        "description": "Heavy",
        "days": 60,
        "channels": ["email"],
        "templates": {"en": {"subject": "Pay", "body": HEAVY[kind]}},
    }
    response = api.post("/api/v1/followup-levels", body)
    assert response.status_code == 422, response.get_json()
    assert {"templates", "templates.en.body"} <= set(field_errors(response))
    assert api.ok("GET", "/api/v1/followup-levels") == before


def test_issue10_3_a_changed_level_text_is_refused_and_the_old_one_kept(api: Api) -> None:
    level = api.ok("GET", "/api/v1/followup-levels")[1]
    texts = {**level["templates"], "fa": {**level["templates"]["fa"], "sms": HEAVY["power"]}}
    response = api.patch(f"/api/v1/followup-levels/{level['id']}", {"templates": texts})
    assert response.status_code == 422
    assert sorted(field_errors(response)) == ["templates", "templates.fa.sms"]
    assert api.ok("GET", "/api/v1/followup-levels")[1] == level


def test_issue10_3_a_subject_or_sms_longer_than_its_limit_is_refused(api: Api) -> None:
    body = {
        "description": "Long",
        "days": 60,
        "channels": ["email", "sms"],
        "templates": {
            "en": {
                "subject": "{{ 'Pay now ' * 300 }}",
                "body": "{{ 'Please pay. ' * 1000 }}",  # 13,000 characters: a body may
                "sms": "{{ 'Please pay. ' * 200 }}",
            }
        },
    }
    response = api.post("/api/v1/followup-levels", body)
    assert response.status_code == 422
    assert sorted(field_errors(response)) == [
        "templates",
        "templates.en.sms",
        "templates.en.subject",
    ]


def test_level_texts_using_the_message_names_are_saved(api: Api) -> None:
    text = (
        "{% for i in invoices %}{{ i.number }} {{ i.due_date }} {{ i.open_amount }}\n{% endfor %}"
    )
    body = {
        "description": "Listed",
        "days": 60,
        "channels": ["email"],
        "templates": {"fa": {"subject": "{{ level }}", "body": "{{ customer }}: " + text}},
    }
    assert api.ok("POST", "/api/v1/followup-levels", body, status=201)["days"] == 60


@pytest.mark.parametrize("kind", ["power", "repetition", "big output", "division by zero"])
def test_issue10_3_a_heavy_manual_text_is_refused_and_nothing_is_queued(
    api: Api, uow: UnitOfWork, ids: dict[str, int], kind: str
) -> None:
    contact_id = _late_customer(uow, ids, api)
    before = row_counts(uow)
    body = {
        "channels": ["email", "sms"],
        "and_print": True,
        "templates": {"fa": {"subject": "یادآوری", "body": HEAVY[kind], "sms": "بپردازید"}},
    }
    response = api.post(f"/api/v1/followups/{contact_id}/send", body)
    assert response.status_code == 422, response.get_json()
    assert "templates.fa.body" in field_errors(response)
    assert row_counts(uow) == before and messages(uow, contact_id) == []


def test_a_manual_text_is_queued_for_a_worker_not_rendered_in_the_request(
    api: Api, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id = _late_customer(uow, ids, api)
    body = {"channels": ["sms"], "templates": {"fa": {"sms": "{{ customer }}: {{ total_due }}"}}}
    api.ok("POST", f"/api/v1/followups/{contact_id}/send", body, status=201)
    assert [m.status for m in messages(uow, contact_id)] == ["queued"]  # a worker sends it


def test_issue10_3_the_send_form_refuses_a_heavy_text(
    app: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id = _late_customer(uow, ids)
    client = UiClient(app, "clerk")
    client.get(f"/followups/{contact_id}")
    form = {"channel": ["sms"], "locale": "fa", "sms": HEAVY["power"]}
    response = client.post(f"/followups/{contact_id}/send", form, status=422)
    page = response.get_data(as_text=True)
    assert "متن پیامک" in page  # the field, named in the page's language
    assert messages(uow, contact_id) == []
