"""Who may edit a document and what an edit keeps, on the in-memory unit of work.

No database (issue 11 §2); the PATCH cases of issue 11 §1 included.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from engine import clock
from engine.domain.errors import Conflict, InvalidState, PermissionDenied, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.pricing import Overrides
from engine.domain.states import DocumentState
from engine.services.documents._rules import check_may_edit
from engine.services.documents.commands import submit_document
from engine.services.documents.content import AdditionCommand, ContentPatch, LineCommand
from engine.services.documents.editing import DocumentEdit, update_document
from tests.unit.fakes import ISSUED, FakeUnitOfWork, add_user, created, seeded_uow
from tests.unit.no_database import no_database  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("no_database")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return seeded_uow()


# Who may edit (check_may_edit) ------------------------------------------------------


def test_only_the_creator_or_an_editor_may_edit_a_draft(uow: FakeUnitOfWork) -> None:
    clerk, other, editor = (
        add_user(uow, Perm.CREATE),
        add_user(uow, Perm.CREATE),
        add_user(uow, Perm.EDIT),
    )
    document = created(uow, clerk)
    check_may_edit(uow, uow.users.get(clerk), document)
    check_may_edit(uow, uow.users.get(editor), document)
    with pytest.raises(PermissionDenied):
        check_may_edit(uow, uow.users.get(other), document)


def test_the_creator_may_edit_only_within_the_types_hours(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = created(uow, clerk)
    document.type.editable_hours = 2
    document.created_at = clock.now() - timedelta(hours=3)
    with pytest.raises(PermissionDenied) as caught:
        check_may_edit(uow, uow.users.get(clerk), document)
    assert "2 hours" in str(caught.value)


def test_a_posted_document_needs_edit_after_approval_and_no_payment(uow: FakeUnitOfWork) -> None:
    clerk, accountant = add_user(uow, Perm.CREATE), add_user(uow, Perm.EDIT_AFTER_APPROVAL)
    document = created(uow, clerk)
    document.state = DocumentState.POSTED.value
    with pytest.raises(PermissionDenied):
        check_may_edit(uow, uow.users.get(clerk), document)
    check_may_edit(uow, uow.users.get(accountant), document)
    document.paid = Decimal(1)
    with pytest.raises(InvalidState):
        check_may_edit(uow, uow.users.get(accountant), document)


def test_a_cancelled_document_cannot_be_edited(uow: FakeUnitOfWork) -> None:
    admin = add_user(uow, *Perm)
    document = created(uow, admin)
    document.state = DocumentState.CANCELLED.value
    with pytest.raises(InvalidState):
        check_may_edit(uow, uow.users.get(admin), document)


# Editing: a PATCH is partial --------------------------------------------------------


def test_a_hand_set_due_date_stays_when_the_edit_sends_none(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = created(uow, clerk, due_date=ISSUED + timedelta(days=3))
    edit = DocumentEdit(issue_date=ISSUED + timedelta(days=1), notes="moved")
    update_document(uow, document_id=document.id, edit=edit, actor_id=clerk)
    assert uow.committed
    assert document.due_date == ISSUED + timedelta(days=3)
    assert document.notes == "moved"


def test_a_computed_due_date_follows_a_new_issue_date(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = created(uow, clerk)
    edit = DocumentEdit(issue_date=ISSUED + timedelta(days=10))
    update_document(uow, document_id=document.id, edit=edit, actor_id=clerk)
    assert document.due_date == ISSUED + timedelta(days=40)


def test_additions_sent_without_lines_apply_and_keep_the_lines(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = created(uow, clerk)
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
    document = created(uow, clerk)
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
    document = created(uow, clerk)
    edit = DocumentEdit(notes="late", lock_version=document.lock_version - 1)
    with pytest.raises(Conflict):
        update_document(uow, document_id=document.id, edit=edit, actor_id=clerk)
    assert not uow.committed


def test_an_edit_to_an_unknown_contact_names_the_field(uow: FakeUnitOfWork) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = created(uow, clerk)
    with pytest.raises(ValidationFailed) as caught:
        update_document(
            uow, document_id=document.id, edit=DocumentEdit(contact_id=999), actor_id=clerk
        )
    assert set(caught.value.fields) == {"contact_id"}


def test_changing_a_submitted_documents_content_restarts_its_approval(
    uow: FakeUnitOfWork,
) -> None:
    clerk = add_user(uow, Perm.CREATE)
    document = created(uow, clerk)
    submit_document(uow, document_id=document.id, actor_id=clerk)
    [old] = uow.tasks.open_of_document(document.id)
    more = [LineCommand(document.lines[0].product_id, Decimal(5))]
    edit = DocumentEdit(content_patch=ContentPatch(lines=more))
    update_document(uow, document_id=document.id, edit=edit, actor_id=clerk)
    [new] = uow.tasks.open_of_document(document.id)
    assert old.status == "cancelled" and new.id != old.id
    assert new.amount == document.total
    assert "returned_to_approval" in uow.documents.actions_of(document.id)
