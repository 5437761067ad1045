"""The document commands' rules on the in-memory unit of work: no database (issue 11 §2)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from engine.domain.errors import InvalidState, PermissionDenied, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.states import DocumentState
from engine.models.ledger import Payment, PaymentAllocation
from engine.services.documents._rules import check_cancellable
from engine.services.documents.commands import (
    cancel_document,
    create_document,
    delete_document,
    submit_document,
)
from engine.services.documents.content import LineCommand
from tests.unit.fakes import (
    ISSUED,
    FakeUnitOfWork,
    add_contact,
    add_product,
    add_user,
    created,
    new_document,
    seeded_uow,
)
from tests.unit.no_database import no_database  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("no_database")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return seeded_uow()


# Creating ---------------------------------------------------------------------------


def test_create_keeps_a_draft_with_exact_decimal_totals(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    product = add_product(uow, "1234.5")
    lines = [LineCommand(product, Decimal(3))]
    document = created(uow, clerk, type_code="sales_quote", lines=lines)
    assert uow.committed
    assert document.state == DocumentState.DRAFT
    assert document.subtotal == Decimal("3704")  # 3703.5 half up to the Rial (no minor unit)
    assert document.tax == Decimal("333")  # 9% of 3704 = 333.36, to the Rial
    assert isinstance(document.total, Decimal)
    assert document.total == Decimal("4037")
    assert uow.documents.actions_of(document.id) == ["created"]
    assert uow.audit.actions() == ["document.create"]


def test_create_with_an_unknown_contact_names_the_field_and_keeps_nothing(
    uow: FakeUnitOfWork,
) -> None:
    clerk = add_user(uow, Perm.CREATE)
    with pytest.raises(ValidationFailed) as caught:
        create_document(uow, new_document(uow, contact_id=999), actor_id=clerk)
    assert set(caught.value.fields) == {"contact_id"}
    assert not uow.committed
    assert uow.documents.rows == {} and uow.documents.events == []


def test_create_with_an_unknown_type_names_the_type(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    with pytest.raises(ValidationFailed) as caught:
        create_document(uow, new_document(uow, type_code="no_such_type"), actor_id=clerk)
    assert set(caught.value.fields) == {"type"}
    assert uow.documents.rows == {}


def test_create_with_an_inactive_type_is_refused(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    uow.types.by_code("purchase_invoice").is_active = False
    with pytest.raises(ValidationFailed) as caught:
        create_document(uow, new_document(uow), actor_id=clerk)
    assert "inactive" in caught.value.fields["type"][0]


def test_create_names_each_unknown_product_line_and_keeps_nothing(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    good = LineCommand(add_product(uow, "10"), Decimal(1))
    lines = [good, LineCommand(999, Decimal(1)), LineCommand(good.product_id, Decimal(0))]
    with pytest.raises(ValidationFailed) as caught:
        create_document(uow, new_document(uow, lines=lines), actor_id=clerk)
    assert set(caught.value.fields) == {"lines[1].product_id", "lines[2].quantity"}
    assert uow.documents.rows == {} and not uow.committed


def test_create_needs_the_create_permission(uow: FakeUnitOfWork) -> None:
    viewer = add_user(uow, Perm.VIEW_ALL)
    with pytest.raises(PermissionDenied):
        create_document(uow, new_document(uow), actor_id=viewer)
    assert uow.documents.rows == {}


def test_create_past_the_credit_limit_names_the_limit(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    contact = add_contact(uow, credit_limit=Decimal(100))
    with pytest.raises(ValidationFailed) as caught:
        create_document(
            uow, new_document(uow, type_code="sales_invoice", contact_id=contact), actor_id=clerk
        )
    assert "credit limit 100 would be exceeded" in caught.value.fields["credit_limit"][0]
    assert uow.documents.rows == {}


def test_create_takes_the_due_date_from_the_payment_term_unless_given(
    uow: FakeUnitOfWork,
) -> None:
    clerk = add_user(uow, Perm.CREATE)
    computed = created(uow, clerk)
    typed = created(uow, clerk, due_date=ISSUED + timedelta(days=3))
    assert computed.due_date == ISSUED + timedelta(days=30)
    assert typed.due_date == ISSUED + timedelta(days=3)


# Deleting and cancelling ------------------------------------------------------------


def test_only_an_unnumbered_draft_is_deleted(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    numbered, draft = created(uow, clerk), created(uow, clerk)
    numbered.number = "PI-1"
    with pytest.raises(InvalidState):
        delete_document(uow, document_id=numbered.id, actor_id=clerk)
    delete_document(uow, document_id=draft.id, actor_id=clerk)
    assert draft.id not in uow.documents.rows and numbered.id in uow.documents.rows


def test_a_document_with_live_children_is_not_cancellable_but_one_with_payments_is(
    uow: FakeUnitOfWork,
) -> None:
    clerk = add_user(uow, Perm.CREATE)
    invoice, child = created(uow, clerk), created(uow, clerk)
    check_cancellable(uow, invoice)  # nothing hangs on it yet
    child.source_id, child.number = invoice.id, "SR-7"
    with pytest.raises(InvalidState) as caught:
        check_cancellable(uow, invoice)
    assert "SR-7" in str(caught.value)
    child.state = DocumentState.CANCELLED.value
    payment = Payment(contact_id=invoice.contact_id, amount=Decimal(1), method="cash")
    payment.allocations.append(PaymentAllocation(document_id=invoice.id, amount=Decimal(1)))
    uow.payments.add(payment)
    check_cancellable(uow, invoice)  # issue 14 §2: its payments become unallocated credit


def test_a_cancelled_document_cannot_be_cancelled_again(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = created(uow, clerk)
    cancel_document(uow, document_id=document.id, actor_id=clerk)
    assert document.state == DocumentState.CANCELLED and uow.committed
    with pytest.raises(InvalidState):
        cancel_document(uow, document_id=document.id, actor_id=clerk)


def test_someone_elses_draft_needs_the_cancel_permission(uow: FakeUnitOfWork) -> None:
    clerk, other = add_user(uow, Perm.CREATE), add_user(uow, Perm.CREATE)
    document = created(uow, clerk)
    with pytest.raises(PermissionDenied):
        cancel_document(uow, document_id=document.id, actor_id=other)
    assert document.state == DocumentState.DRAFT and not uow.committed


def test_cancelling_a_posted_document_reverses_its_ledger_rows(uow: FakeUnitOfWork) -> None:
    clerk, accountant = add_user(uow, Perm.CREATE), add_user(uow, Perm.CANCEL)
    document = created(uow, clerk, type_code="purchase_quote")
    submit_document(uow, document_id=document.id, actor_id=clerk)  # no approval: posted
    invoice = created(uow, clerk)
    invoice.state = DocumentState.POSTED.value
    with pytest.raises(PermissionDenied):
        cancel_document(uow, document_id=invoice.id, actor_id=clerk)
    cancel_document(uow, document_id=document.id, actor_id=accountant, reason="typo")
    assert document.state == DocumentState.CANCELLED
    assert "reversed" in uow.documents.actions_of(document.id)


# Submitting: the shipped approval diagram, run in memory ---------------------------


def test_submitting_sends_the_draft_to_the_approval_cartable(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = created(uow, clerk)
    state = submit_document(uow, document_id=document.id, actor_id=clerk)
    assert state == DocumentState.AWAITING_APPROVAL == document.state
    [task] = uow.tasks.open_of_document(document.id)
    assert task.lane == "approval" and task.assignee_id is None
    assert task.amount == document.total and task.contact_name == "Customer"
    assert uow.processes.running_for_document(document.id) is not None


def test_a_type_without_approval_or_numbering_is_posted_at_submit(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = created(uow, clerk, type_code="purchase_quote")
    assert submit_document(uow, document_id=document.id, actor_id=clerk) == DocumentState.POSTED
    assert uow.tasks.open_of_document(document.id) == []


def test_only_a_draft_is_submitted(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = created(uow, clerk)
    submit_document(uow, document_id=document.id, actor_id=clerk)
    with pytest.raises(InvalidState):
        submit_document(uow, document_id=document.id, actor_id=clerk)
