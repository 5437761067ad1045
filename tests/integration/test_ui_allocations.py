"""The contact page applies unallocated credit to an open invoice and undoes it
(issue 14 §2), signed in as real users."""

from __future__ import annotations

from datetime import date

from flask import Flask

from engine.services.unit_of_work import UnitOfWork
from tests.integration.postings import customer, pay, posted_invoice
from tests.integration.test_ui_flow import UiClient


def test_contact_page_applies_credit_and_undoes_it(
    app: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    c = customer(uow, ids, "مشتری اعتبار")
    first = posted_invoice(uow, ids, c, "1000000", issued=date(2026, 1, 1), due=date(2026, 1, 31))
    payment = pay(uow, ids, c, "1500000", {first: "1090000"}, on=date(2026, 1, 5))
    later = posted_invoice(uow, ids, c, "1000000", issued=date(2026, 2, 1), due=date(2026, 3, 1))
    ui = UiClient(app, "accountant")
    page = ui.get(f"/contacts/{c}").get_data(as_text=True)
    assert 'id="allocate"' in page and "۴۱۰٬۰۰۰" in page  # the credit left

    form = {"source": f"p:{payment}", "document_id": str(later), "amount": "۴۱۰٬۰۰۰"}
    ui.post(f"/contacts/{c}/allocations", form, status=302)

    with uow:
        assert uow.documents.get(later).paid == 410000
        [allocation_id] = [a.id for a in uow.payments.live_allocations_of(later)]
    page = ui.get(f"/contacts/{c}").get_data(as_text=True)
    assert 'id="allocations"' in page
    too_much = {**form, "amount": "1"}  # no credit is left
    assert ui.post(f"/contacts/{c}/allocations", too_much).status_code == 422
    clerk = UiClient(app, "clerk")
    assert clerk.post(f"/contacts/{c}/allocations/{allocation_id}/undo", {}).status_code == 403
    ui.post(f"/contacts/{c}/allocations/{allocation_id}/undo", {}, status=302)
    with uow:
        assert uow.documents.get(later).paid == 0
