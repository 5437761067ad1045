"""The contact form, customer groups page and group filter (issue 14 §8), and the credit
figures on a credit-approval task (issue 14 §5), through the pages."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.flows import task_of
from tests.integration.test_ui_flow import UiClient
from tests.integration.test_ui_language import english_words


def _contact(uow: UnitOfWork, contact_id: int) -> tuple[Any, ...]:
    with uow:
        c = uow.contacts.get(contact_id)
        return (c.name, c.kind, c.credit_limit, c.customer_group_id, c.payment_term_days)


def _created_id(response: Any) -> int:
    found = re.search(r"/contacts/(\d+)$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def test_the_form_is_persian_and_right_to_left(app: Flask) -> None:
    html = UiClient(app, "admin").get("/contacts/new").get_data(as_text=True)

    assert '<html lang="fa" dir="rtl">' in html
    assert 'id="contact-form"' in html and 'name="credit_limit"' in html
    assert not english_words(html), english_words(html)


def test_the_arabic_form_is_right_to_left(app: Flask) -> None:
    ui = UiClient(app, "admin")
    ui.post("/language", {"lang": "ar", "next": "/contacts"}, status=302)
    html = ui.get("/contacts/groups").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html and not english_words(html)
    html = ui.get("/contacts/new").get_data(as_text=True)
    assert "مجموعة العملاء" in html and not english_words(html), english_words(html)


def test_a_contact_is_created_in_a_group_and_edited(app: Flask, uow: UnitOfWork) -> None:
    ui = UiClient(app, "admin")
    ui.get("/contacts/groups")
    ui.post("/contacts/groups", {"name": "عمده"}, status=302)
    group = re.search(r'data-group-id="(\d+)"', ui.get("/contacts/groups").get_data(as_text=True))
    assert group
    ui.get("/contacts/new")
    form = {"name": "فروشگاه نو", "kind": "customer", "language": "fa", "credit_limit": "۵۰۰٬۰۰۰"}
    contact_id = _created_id(
        ui.post("/contacts/new", {**form, "customer_group_id": group.group(1)}, status=302)
    )
    assert _contact(uow, contact_id)[2:4] == (500000, int(group.group(1)))

    ui.get(f"/contacts/{contact_id}/edit")
    edited = {**form, "credit_limit": "", "payment_term_days": "۳۰", "customer_group_id": ""}
    ui.post(f"/contacts/{contact_id}/edit", edited, status=302)

    assert _contact(uow, contact_id) == ("فروشگاه نو", "customer", None, None, 30)


def test_a_bad_field_is_marked_and_nothing_saved(app: Flask, api: Api, uow: UnitOfWork) -> None:
    contact = api.ok("POST", "/api/v1/contacts", {"name": "ثابت", "kind": "customer"}, status=201)
    ui = UiClient(app, "admin")
    ui.get(f"/contacts/{contact['id']}/edit")
    before = _contact(uow, contact["id"])

    response = ui.post(
        f"/contacts/{contact['id']}/edit",
        {"name": "عوض", "kind": "customer", "language": "fa", "credit_limit": "-5"},
        status=422,
    )

    assert 'data-error="credit_limit"' in response.get_data(as_text=True)
    assert _contact(uow, contact["id"]) == before


def test_the_list_filters_by_group(app: Flask, api: Api) -> None:
    group = api.ok("POST", "/api/v1/customer-groups", {"name": "ویژه"}, status=201)
    member = api.ok(
        "POST",
        "/api/v1/contacts",
        {"name": "عضو گروه", "kind": "customer", "customer_group": "ویژه"},
        status=201,
    )
    html = UiClient(app, "admin").get(f"/contacts?group_id={group['id']}").get_data(as_text=True)

    assert re.findall(r'data-contact-id="(\d+)"', html) == [str(member["id"])]


def test_a_credit_approval_task_shows_the_exposure(
    app: Flask, api: Api, ids: dict[str, int]
) -> None:
    api.ok(
        "PATCH",
        "/api/v1/document-types/sales_invoice",
        {"credit_breach": "approve", "tax_percent": "0"},
    )
    contact = api.ok(
        "POST",
        "/api/v1/contacts",
        {"name": "بدهکار", "kind": "customer", "credit_limit": "1000", "opening_balance": "900"},
        status=201,
    )
    body = {
        "type": "sales_invoice",
        "contact_id": contact["id"],
        "lines": [{"product_id": ids["chair"], "quantity": "1", "unit_price": "500"}],
    }
    doc = api.ok("POST", "/api/v1/documents", body, as_="clerk", status=201)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    task = task_of(api, doc["id"], "approval", "approver")

    html = UiClient(app, "approver").get(f"/tasks/{task['id']}").get_data(as_text=True)

    assert 'id="task-credit"' in html
    assert "۱٬۴۰۰" in html and "۱٬۰۰۰" in html  # exposure 1,400 against the limit 1,000
