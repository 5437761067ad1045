"""The document commands' rules on the in-memory unit of work: no database (issue 11 §2)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from engine import clock
from engine.domain.errors import Conflict, InvalidState, PermissionDenied, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.pricing import Overrides
from engine.domain.states import DocumentState
from engine.models.documents import Document
from engine.models.ledger import Payment, PaymentAllocation
from engine.services.documents._rules import check_cancellable, check_may_edit
from engine.services.documents.commands import (
    NewDocument,
    cancel_document,
    create_document,
    delete_document,
    submit_document,
)
from engine.services.documents.content import AdditionCommand, Content, ContentPatch, LineCommand
from engine.services.documents.editing import DocumentEdit, update_document
from tests.unit.fakes import FakeUnitOfWork, add_contact, add_product, add_user, seeded_uow
from tests.unit.no_database import no_database  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("no_database")

ISSUED = date(2026, 3, 1)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return seeded_uow()


def _new(
    uow: FakeUnitOfWork,
    *,
    type_code: str = "purchase_invoice",
    contact_id: int | None = None,
    lines: list[LineCommand] | None = None,
    **fields: object,
) -> NewDocument:
    if contact_id is None:
        contact_id = add_contact(uow)
    if lines is None:
        lines = [LineCommand(add_product(uow, "1000"), Decimal(2))]
    return NewDocument(type_code, contact_id, Content(lines), issue_date=ISSUED, **fields)


def _create(uow: FakeUnitOfWork, actor_id: int, **fields: object) -> Document:
    document_id = create_document(uow, _new(uow, **fields), actor_id=actor_id)
    return uow.documents.get(document_id)


# Creating ---------------------------------------------------------------------------


def test_create_keeps_a_draft_with_exact_decimal_totals(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    product = add_product(uow, "1234.5")
    lines = [LineCommand(product, Decimal(3))]
    document = _create(uow, clerk, type_code="sales_quote", lines=lines)
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
        create_document(uow, _new(uow, contact_id=999), actor_id=clerk)
    assert set(caught.value.fields) == {"contact_id"}
    assert not uow.committed
    assert uow.documents.rows == {} and uow.documents.events == []


def test_create_with_an_unknown_type_names_the_type(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    with pytest.raises(ValidationFailed) as caught:
        create_document(uow, _new(uow, type_code="no_such_type"), actor_id=clerk)
    assert set(caught.value.fields) == {"type"}
    assert uow.documents.rows == {}


def test_create_with_an_inactive_type_is_refused(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    uow.types.by_code("purchase_invoice").is_active = False
    with pytest.raises(ValidationFailed) as caught:
        create_document(uow, _new(uow), actor_id=clerk)
    assert "inactive" in caught.value.fields["type"][0]


def test_create_names_each_unknown_product_line_and_keeps_nothing(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    good = LineCommand(add_product(uow, "10"), Decimal(1))
    lines = [good, LineCommand(999, Decimal(1)), LineCommand(good.product_id, Decimal(0))]
    with pytest.raises(ValidationFailed) as caught:
        create_document(uow, _new(uow, lines=lines), actor_id=clerk)
    assert set(caught.value.fields) == {"lines[1].product_id", "lines[2].quantity"}
    assert uow.documents.rows == {} and not uow.committed


def test_create_needs_the_create_permission(uow: FakeUnitOfWork) -> None:
    viewer = add_user(uow, Perm.VIEW_ALL)
    with pytest.raises(PermissionDenied):
        create_document(uow, _new(uow), actor_id=viewer)
    assert uow.documents.rows == {}


def test_create_past_the_credit_limit_names_the_contact(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    contact = add_contact(uow, credit_limit=Decimal(100))
    with pytest.raises(ValidationFailed) as caught:
        create_document(
            uow, _new(uow, type_code="sales_invoice", contact_id=contact), actor_id=clerk
        )
    assert "contact_id" in caught.value.fields
    assert uow.documents.rows == {}


def test_create_takes_the_due_date_from_the_payment_term_unless_given(
    uow: FakeUnitOfWork,
) -> None:
    clerk = add_user(uow, Perm.CREATE)
    computed = _create(uow, clerk)
    typed = _create(uow, clerk, due_date=ISSUED + timedelta(days=3))
    assert computed.due_date == ISSUED + timedelta(days=30)
    assert typed.due_date == ISSUED + timedelta(days=3)


# Who may edit (check_may_edit) ------------------------------------------------------


def test_only_the_creator_or_an_editor_may_edit_a_draft(uow: FakeUnitOfWork) -> None:
    clerk, other, editor = (
        add_user(uow, Perm.CREATE),
        add_user(uow, Perm.CREATE),
        add_user(uow, Perm.EDIT),
    )
    document = _create(uow, clerk)
    check_may_edit(uow, uow.users.get(clerk), document)
    check_may_edit(uow, uow.users.get(editor), document)
    with pytest.raises(PermissionDenied):
        check_may_edit(uow, uow.users.get(other), document)


def test_the_creator_may_edit_only_within_the_types_hours(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = _create(uow, clerk)
    document.type.editable_hours = 2
    document.created_at = clock.now() - timedelta(hours=3)
    with pytest.raises(PermissionDenied) as caught:
        check_may_edit(uow, uow.users.get(clerk), document)
    assert "2 hours" in str(caught.value)


def test_a_posted_document_needs_edit_after_approval_and_no_payment(uow: FakeUnitOfWork) -> None:
    clerk, accountant = add_user(uow, Perm.CREATE), add_user(uow, Perm.EDIT_AFTER_APPROVAL)
    document = _create(uow, clerk)
    document.state = DocumentState.POSTED.value
    with pytest.raises(PermissionDenied):
        check_may_edit(uow, uow.users.get(clerk), document)
    check_may_edit(uow, uow.users.get(accountant), document)
    document.paid = Decimal(1)
    with pytest.raises(InvalidState):
        check_may_edit(uow, uow.users.get(accountant), document)


def test_a_cancelled_document_cannot_be_edited(uow: FakeUnitOfWork) -> None:
    admin = add_user(uow, *Perm)
    document = _create(uow, admin)
    document.state = DocumentState.CANCELLED.value
    with pytest.raises(InvalidState):
        check_may_edit(uow, uow.users.get(admin), document)


# Editing: a PATCH is partial --------------------------------------------------------


def test_a_hand_set_due_date_stays_when_the_edit_sends_none(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = _create(uow, clerk, due_date=ISSUED + timedelta(days=3))
    edit = DocumentEdit(issue_date=ISSUED + timedelta(days=1), notes="moved")
    update_document(uow, document_id=document.id, edit=edit, actor_id=clerk)
    assert uow.committed
    assert document.due_date == ISSUED + timedelta(days=3)
    assert document.notes == "moved"


def test_a_computed_due_date_follows_a_new_issue_date(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = _create(uow, clerk)
    edit = DocumentEdit(issue_date=ISSUED + timedelta(days=10))
    update_document(uow, document_id=document.id, edit=edit, actor_id=clerk)
    assert document.due_date == ISSUED + timedelta(days=40)


def test_additions_sent_without_lines_apply_and_keep_the_lines(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = _create(uow, clerk)
    lines_before, total_before = list(document.lines), document.total
    shipping = AdditionCommand("shipping", "fixed", Decimal(500), taxable=False)
    edit = DocumentEdit(content_patch=ContentPatch(additions=[shipping]))
    update_document(uow, document_id=document.id, edit=edit, actor_id=clerk)
    assert [a.name for a in document.addition_rows] == ["shipping"]
    assert document.total == total_before + Decimal(500)
    assert [(ln.product_id, ln.quantity) for ln in document.lines] == [
        (ln.product_id, ln.quantity) for ln in lines_before
    ]


def test_overrides_sent_without_lines_apply_where_the_type_allows(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = _create(uow, clerk)
    edit = DocumentEdit(content_patch=ContentPatch(overrides=Overrides(tax=Decimal(7))))
    with pytest.raises(ValidationFailed) as caught:
        update_document(uow, document_id=document.id, edit=edit, actor_id=clerk)
    assert set(caught.value.fields) == {"overrides"}
    document.type.totals_editable = True
    update_document(uow, document_id=document.id, edit=edit, actor_id=clerk)
    assert document.tax == Decimal(7) and document.override_tax == Decimal(7)
    assert document.total == document.subtotal + Decimal(7)


def test_an_edit_made_on_a_stale_version_is_a_conflict(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = _create(uow, clerk)
    edit = DocumentEdit(notes="late", lock_version=document.lock_version - 1)
    with pytest.raises(Conflict):
        update_document(uow, document_id=document.id, edit=edit, actor_id=clerk)
    assert not uow.committed


def test_an_edit_to_an_unknown_contact_names_the_field(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = _create(uow, clerk)
    with pytest.raises(ValidationFailed) as caught:
        update_document(
            uow, document_id=document.id, edit=DocumentEdit(contact_id=999), actor_id=clerk
        )
    assert set(caught.value.fields) == {"contact_id"}


# Deleting and cancelling ------------------------------------------------------------


def test_only_an_unnumbered_draft_is_deleted(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    numbered, draft = _create(uow, clerk), _create(uow, clerk)
    numbered.number = "PI-1"
    with pytest.raises(InvalidState):
        delete_document(uow, document_id=numbered.id, actor_id=clerk)
    delete_document(uow, document_id=draft.id, actor_id=clerk)
    assert draft.id not in uow.documents.rows and numbered.id in uow.documents.rows


def test_a_document_with_payments_or_live_children_is_not_cancellable(
    uow: FakeUnitOfWork,
) -> None:
    clerk = add_user(uow, Perm.CREATE)
    invoice, child = _create(uow, clerk), _create(uow, clerk)
    check_cancellable(uow, invoice)  # nothing hangs on it yet
    child.source_id, child.number = invoice.id, "SR-7"
    with pytest.raises(InvalidState) as caught:
        check_cancellable(uow, invoice)
    assert "SR-7" in str(caught.value)
    child.state = DocumentState.CANCELLED.value
    payment = Payment(contact_id=invoice.contact_id, amount=Decimal(1), method="cash")
    payment.allocations.append(PaymentAllocation(document_id=invoice.id, amount=Decimal(1)))
    uow.payments.add(payment)
    with pytest.raises(InvalidState) as caught:
        check_cancellable(uow, invoice)
    assert "payments" in str(caught.value)


def test_a_cancelled_document_cannot_be_cancelled_again(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = _create(uow, clerk)
    cancel_document(uow, document_id=document.id, actor_id=clerk)
    assert document.state == DocumentState.CANCELLED and uow.committed
    with pytest.raises(InvalidState):
        cancel_document(uow, document_id=document.id, actor_id=clerk)


def test_someone_elses_draft_needs_the_cancel_permission(uow: FakeUnitOfWork) -> None:
    clerk, other = add_user(uow, Perm.CREATE), add_user(uow, Perm.CREATE)
    document = _create(uow, clerk)
    with pytest.raises(PermissionDenied):
        cancel_document(uow, document_id=document.id, actor_id=other)
    assert document.state == DocumentState.DRAFT and not uow.committed


def test_cancelling_a_posted_document_reverses_its_ledger_rows(uow: FakeUnitOfWork) -> None:
    clerk, accountant = add_user(uow, Perm.CREATE), add_user(uow, Perm.CANCEL)
    document = _create(uow, clerk, type_code="purchase_quote")
    submit_document(uow, document_id=document.id, actor_id=clerk)  # no approval: posted
    invoice = _create(uow, clerk)
    invoice.state = DocumentState.POSTED.value
    with pytest.raises(PermissionDenied):
        cancel_document(uow, document_id=invoice.id, actor_id=clerk)
    cancel_document(uow, document_id=document.id, actor_id=accountant, reason="typo")
    assert document.state == DocumentState.CANCELLED
    assert "reversed" in uow.documents.actions_of(document.id)


# Submitting: the shipped approval diagram, run in memory ---------------------------


def test_submitting_sends_the_draft_to_the_approval_cartable(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = _create(uow, clerk)
    state = submit_document(uow, document_id=document.id, actor_id=clerk)
    assert state == DocumentState.AWAITING_APPROVAL == document.state
    [task] = uow.tasks.open_of_document(document.id)
    assert task.lane == "approval" and task.assignee_id is None
    assert task.amount == document.total and task.contact_name == "Customer"
    assert uow.processes.running_for_document(document.id) is not None


def test_a_type_without_approval_or_numbering_is_posted_at_submit(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = _create(uow, clerk, type_code="purchase_quote")
    assert submit_document(uow, document_id=document.id, actor_id=clerk) == DocumentState.POSTED
    assert uow.tasks.open_of_document(document.id) == []


def test_only_a_draft_is_submitted(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = _create(uow, clerk)
    submit_document(uow, document_id=document.id, actor_id=clerk)
    with pytest.raises(InvalidState):
        submit_document(uow, document_id=document.id, actor_id=clerk)


def test_changing_a_submitted_documents_content_restarts_its_approval(
    uow: FakeUnitOfWork,
) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = _create(uow, clerk)
    submit_document(uow, document_id=document.id, actor_id=clerk)
    [old] = uow.tasks.open_of_document(document.id)
    more = [LineCommand(document.lines[0].product_id, Decimal(5))]
    edit = DocumentEdit(content_patch=ContentPatch(lines=more))
    update_document(uow, document_id=document.id, edit=edit, actor_id=clerk)
    [new] = uow.tasks.open_of_document(document.id)
    assert old.status == "cancelled" and new.id != old.id
    assert new.amount == document.total
    assert "returned_to_approval" in uow.documents.actions_of(document.id)
