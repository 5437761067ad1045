"""Credit exposure and its checks on the in-memory unit of work (issue 14 §5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.domain.errors import ValidationFailed
from engine.domain.states import DocumentState
from engine.models.documents import Document
from engine.models.ledger import LedgerEntry
from engine.services.documents._credit import check_order, check_sale
from tests.unit.fakes import ISSUED, FakeUnitOfWork, add_contact, seeded_uow
from tests.unit.no_database import no_database  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("no_database")
D = Decimal


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return seeded_uow()


def doc(
    uow: FakeUnitOfWork, contact: int, total: str, state: DocumentState, **extra: object
) -> Document:
    kind = str(extra.pop("type_code", "sales_invoice"))
    document = Document(
        type=uow.types.by_code(kind),
        contact_id=contact,
        state=state.value,
        total=D(total),
        paid=D(0),
        issue_date=ISSUED,
        **extra,
    )
    return uow.documents.add(document)


def posted(uow: FakeUnitOfWork, contact: int, total: str) -> Document:
    document = doc(uow, contact, total, DocumentState.POSTED)
    uow.ledger.stage(
        LedgerEntry(contact_id=contact, document_id=document.id, debit=D(total), credit=D(0))
    )
    return document


def test_a_submitted_sale_counts_from_its_submission(uow: FakeUnitOfWork) -> None:
    contact = add_contact(uow, credit_limit=D(1000))
    doc(uow, contact, "700", DocumentState.AWAITING_APPROVAL)
    draft = doc(uow, contact, "400", DocumentState.DRAFT)

    with pytest.raises(ValidationFailed) as caught:
        check_sale(uow, draft)

    assert "exposure 1,100" in caught.value.fields["credit_limit"][0]


def test_posting_a_sale_in_approval_adds_nothing(uow: FakeUnitOfWork) -> None:
    contact = add_contact(uow, credit_limit=D(500))
    waiting = doc(uow, contact, "700", DocumentState.AWAITING_NUMBERING)  # approved by hand

    check = check_sale(uow, waiting)

    assert (check.breach, check.exposure) == (False, D(700))


def test_an_invoice_of_an_order_is_netted_against_it(uow: FakeUnitOfWork) -> None:
    contact = add_contact(uow, credit_limit=D(1000))
    order = doc(uow, contact, "600", DocumentState.INVOICED, type_code="sales_quote")
    same = doc(uow, contact, "600", DocumentState.DRAFT, source_id=order.id)
    larger = doc(uow, contact, "1001", DocumentState.DRAFT, source_id=order.id)

    assert check_sale(uow, same).exposure == D(600)
    with pytest.raises(ValidationFailed):
        check_sale(uow, larger)  # 401 more than its order: 1,001 in all


def test_an_edit_counts_only_its_change(uow: FakeUnitOfWork) -> None:
    contact = add_contact(uow, credit_limit=D(1000))
    posted(uow, contact, "400")
    invoice = posted(uow, contact, "500")
    invoice.total = D(550)  # the edit, not yet reposted

    check = check_sale(uow, invoice)

    assert (check.breach, check.exposure) == (False, D(950))


def test_a_smaller_edit_passes_a_customer_already_over_the_limit(uow: FakeUnitOfWork) -> None:
    contact = add_contact(uow, credit_limit=D(100))
    invoice = posted(uow, contact, "500")
    invoice.total = D(400)

    assert check_sale(uow, invoice).breach is False


def test_approve_types_return_the_breach_instead_of_refusing(uow: FakeUnitOfWork) -> None:
    uow.types.by_code("sales_invoice").credit_breach = "approve"
    contact = add_contact(uow, credit_limit=D(100))
    draft = doc(uow, contact, "150", DocumentState.DRAFT)

    check = check_sale(uow, draft, route=True)

    assert check.data() == {"credit_breach": True, "exposure": D(150), "credit_limit": D(100)}


def test_other_documents_are_not_credit_sales(uow: FakeUnitOfWork) -> None:
    contact = add_contact(uow, credit_limit=D(0))
    purchase = doc(uow, contact, "999", DocumentState.DRAFT, type_code="purchase_invoice")
    assert check_sale(uow, purchase).breach is False


def test_confirming_adds_the_order_and_delivering_rechecks(uow: FakeUnitOfWork) -> None:
    contact = add_contact(uow, credit_limit=D(500))
    quote = doc(uow, contact, "600", DocumentState.POSTED, type_code="sales_quote")
    with pytest.raises(ValidationFailed):
        check_order(uow, quote, recheck=False)
    small = doc(uow, contact, "300", DocumentState.CONFIRMED, type_code="sales_quote")
    check_order(uow, small, recheck=True)
    uow.contacts.get(contact).credit_limit = D(200)  # lowered after the confirmation
    with pytest.raises(ValidationFailed):
        check_order(uow, small, recheck=True)
