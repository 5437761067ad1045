"""Receipts and their allocation to invoices (I5, I6), with no database (issue 11 §2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.domain.errors import InvalidState, PermissionDenied, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.states import DocumentState
from engine.models.documents import Document
from engine.services.accounts.payments import (
    Allocation,
    NewPayment,
    record_payment,
    set_cheque_state,
)
from tests.unit.fakes import add_contact, add_user, seeded_uow
from tests.unit.no_database import no_database  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("no_database")

CHEQUE_DUE = date(2026, 6, 1)


class Till:
    """A cashier, a customer and the posted invoices receipts are allocated to."""

    def __init__(self) -> None:
        self.uow = seeded_uow()
        self.cashier = add_user(self.uow, Perm.RECORD_PAYMENTS)
        self.customer = add_contact(self.uow)
        self.other = add_contact(self.uow, name="Other customer")

    def invoice(self, total: str, *, contact_id: int | None = None, state: str = "posted") -> int:
        """Add a posted sales invoice of ``total`` (arranged, not run through approval)."""
        document = Document(
            type=self.uow.types.by_code("sales_invoice"),
            contact_id=contact_id or self.customer,
            state=state,
            issue_date=date(2026, 3, 1),
            total=Decimal(total),
            paid=Decimal(0),
            created_by=self.cashier,
        )
        return self.uow.documents.add(document).id

    def pay(self, amount: str, *allocations: tuple[int, str], method: str = "cash") -> int:
        cmd = NewPayment(
            contact_id=self.customer,
            amount=Decimal(amount),
            method=method,
            allocations=[Allocation(doc, Decimal(value)) for doc, value in allocations],
            cheque_due_date=CHEQUE_DUE if method == "cheque" else None,
        )
        return record_payment(self.uow, cmd, actor_id=self.cashier)

    def document(self, document_id: int) -> Document:
        return self.uow.documents.get(document_id)

    def kept_nothing(self) -> bool:
        uow = self.uow
        return not uow.committed and not uow.payments.rows and not uow.ledger.rows


@pytest.fixture
def till() -> Till:
    return Till()


def test_a_receipt_credits_the_customer_and_settles_the_invoice(till: Till) -> None:
    invoice = till.invoice("1000")
    payment_id = till.pay("1000", (invoice, "1000"))
    assert till.uow.committed
    assert till.document(invoice).paid == Decimal(1000)
    assert till.document(invoice).state == DocumentState.PAID
    [entry] = till.uow.ledger.rows.values()
    assert (entry.payment_id, entry.credit, entry.contact_id) == (
        payment_id,
        Decimal(1000),
        till.customer,
    )
    assert till.uow.contacts.balance(till.customer) == Decimal(-1000)


def test_part_of_the_open_amount_leaves_the_invoice_partially_paid(till: Till) -> None:
    invoice = till.invoice("1000")
    till.pay("400", (invoice, "400"))
    assert till.document(invoice).state == DocumentState.PARTIALLY_PAID
    till.pay("600", (invoice, "600"))
    assert till.document(invoice).state == DocumentState.PAID


def test_allocating_more_than_is_open_names_the_allocation_and_keeps_nothing(
    till: Till,
) -> None:
    invoice = till.invoice("1000")
    till.pay("300", (invoice, "300"))
    with pytest.raises(ValidationFailed) as caught:
        till.pay("800", (invoice, "701"))
    assert set(caught.value.fields) == {"allocations[0].amount"}
    assert "700" in caught.value.fields["allocations[0].amount"][0]
    assert len(till.uow.payments.rows) == 1 and not till.uow.committed


def test_the_open_amount_is_compared_exactly_in_decimal(till: Till) -> None:
    invoice = till.invoice("1000.10")
    with pytest.raises(ValidationFailed):
        till.pay("1000.11", (invoice, "1000.11"))  # one hundredth over: no rounding away
    till.pay("1000.1", (invoice, "1000.1"))
    assert till.document(invoice).paid == Decimal("1000.10")
    assert till.document(invoice).state == DocumentState.PAID


def test_allocations_past_the_payment_amount_are_refused(till: Till) -> None:
    first, second = till.invoice("1000"), till.invoice("1000")
    with pytest.raises(ValidationFailed) as caught:
        till.pay("500", (first, "300"), (second, "300"))
    assert set(caught.value.fields) == {"allocations"}
    assert till.kept_nothing()


def test_one_invoice_appears_once_among_the_allocations(till: Till) -> None:
    invoice = till.invoice("1000")
    with pytest.raises(ValidationFailed) as caught:
        till.pay("500", (invoice, "100"), (invoice, "100"))
    assert set(caught.value.fields) == {"allocations"}


def test_a_cancelled_invoice_takes_no_payment(till: Till) -> None:
    invoice = till.invoice("1000", state=DocumentState.CANCELLED.value)
    with pytest.raises(ValidationFailed) as caught:
        till.pay("100", (invoice, "100"))
    assert set(caught.value.fields) == {"allocations[0].document_id"}
    assert till.document(invoice).paid == 0 and till.kept_nothing()


def test_another_customers_invoice_takes_no_payment(till: Till) -> None:
    invoice = till.invoice("1000", contact_id=till.other)
    with pytest.raises(ValidationFailed) as caught:
        till.pay("100", (invoice, "100"))
    assert "not a document of this contact" in caught.value.fields["allocations[0].document_id"][0]
    assert till.kept_nothing()


def test_bad_amount_method_and_cheque_date_are_each_named(till: Till) -> None:
    cmd = NewPayment(contact_id=till.customer, amount=Decimal(0), method="barter")
    with pytest.raises(ValidationFailed) as caught:
        record_payment(till.uow, cmd, actor_id=till.cashier)
    assert set(caught.value.fields) == {"amount", "method"}
    cheque = NewPayment(contact_id=till.customer, amount=Decimal(5), method="cheque")
    with pytest.raises(ValidationFailed) as caught:
        record_payment(till.uow, cheque, actor_id=till.cashier)
    assert set(caught.value.fields) == {"cheque_due_date"}


def test_recording_a_payment_needs_the_permission(till: Till) -> None:
    clerk = add_user(till.uow, Perm.CREATE)
    cmd = NewPayment(contact_id=till.customer, amount=Decimal(5), method="cash")
    with pytest.raises(PermissionDenied):
        record_payment(till.uow, cmd, actor_id=clerk)
    assert till.kept_nothing()


# Cheques ----------------------------------------------------------------------------


def test_a_cheque_moves_forward_to_cleared(till: Till) -> None:
    payment_id = till.pay("100", method="cheque")
    assert till.uow.payments.get(payment_id).cheque_state == "received"
    set_cheque_state(till.uow, payment_id=payment_id, state="deposited", actor_id=till.cashier)
    set_cheque_state(till.uow, payment_id=payment_id, state="cleared", actor_id=till.cashier)
    assert till.uow.payments.get(payment_id).cheque_state == "cleared"


def test_a_cleared_cheque_neither_bounces_nor_goes_back(till: Till) -> None:
    payment_id = till.pay("100", method="cheque")
    set_cheque_state(till.uow, payment_id=payment_id, state="cleared", actor_id=till.cashier)
    for state in ("bounced", "deposited"):
        with pytest.raises(ValidationFailed) as caught:
            set_cheque_state(till.uow, payment_id=payment_id, state=state, actor_id=till.cashier)
        assert set(caught.value.fields) == {"state"}


def test_a_bounced_cheque_reopens_what_it_paid(till: Till) -> None:
    invoice = till.invoice("1000")
    payment_id = till.pay("1000", (invoice, "1000"), method="cheque")
    set_cheque_state(till.uow, payment_id=payment_id, state="bounced", actor_id=till.cashier)
    assert till.document(invoice).paid == 0
    assert till.document(invoice).state == DocumentState.POSTED
    reversal = [e for e in till.uow.ledger.rows.values() if e.kind == "reversal"]
    assert [e.debit for e in reversal] == [Decimal(1000)]
    assert till.uow.contacts.balance(till.customer) == 0
    assert "cheque_bounced" in till.uow.documents.actions_of(invoice)


def test_a_cash_payment_has_no_cheque_state(till: Till) -> None:
    payment_id = till.pay("100")
    with pytest.raises(InvalidState):
        set_cheque_state(till.uow, payment_id=payment_id, state="cleared", actor_id=till.cashier)
