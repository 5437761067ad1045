"""Claiming, releasing, handing over and completing cartable tasks, with no database.

The tasks come from the shipped approval diagram, run in memory by the real
WorkflowRun on the fake unit of work (issue 11 §2).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.domain.errors import Conflict, PermissionDenied, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.states import DocumentState
from engine.models.workflow import HumanTask
from engine.services.cartable.tasks import assign_task, claim_task, complete_task, unclaim_task
from engine.services.documents.commands import NewDocument, create_document, submit_document
from engine.services.documents.content import Content, LineCommand
from tests.unit.fakes import add_contact, add_product, add_user, seeded_uow
from tests.unit.no_database import no_database  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("no_database")


class Office:
    """A purchase invoice waiting for approval, and the people around it."""

    def __init__(self) -> None:
        self.uow = seeded_uow()
        self.clerk = add_user(self.uow, Perm.CREATE)
        self.approver = add_user(self.uow, Perm.APPROVE, role="approver")
        self.colleague = add_user(self.uow, Perm.APPROVE, role="approver")
        self.assigner = add_user(self.uow, Perm.ASSIGN_TASKS)
        self.outsider = add_user(self.uow, Perm.CREATE)
        content = Content([LineCommand(add_product(self.uow, "2500"), Decimal(4))])
        cmd = NewDocument("purchase_invoice", add_contact(self.uow), content)
        self.document_id = create_document(self.uow, cmd, actor_id=self.clerk)
        submit_document(self.uow, document_id=self.document_id, actor_id=self.clerk)

    def task(self) -> HumanTask:
        [task] = self.uow.tasks.open_of_document(self.document_id)
        return task

    @property
    def state(self) -> str:
        return self.uow.documents.get(self.document_id).state


@pytest.fixture
def office() -> Office:
    return Office()


def _reject(office: Office) -> HumanTask:
    """Reject the approval; return the author's revise task it opens."""
    task = office.task()
    complete_task(
        office.uow, task_id=task.id, actor_id=office.approver, decision="reject", comment="price?"
    )
    return office.task()


# Claiming ---------------------------------------------------------------------------


def test_a_lane_member_claims_an_unclaimed_task(office: Office) -> None:
    view = claim_task(office.uow, task_id=office.task().id, actor_id=office.approver)
    assert view.assignee_id == office.approver and view.claimed_at is not None
    assert office.uow.committed
    assert office.uow.audit.actions()[-1] == "task.claim"


def test_a_task_held_by_someone_else_is_a_conflict(office: Office) -> None:
    task = office.task()
    claim_task(office.uow, task_id=task.id, actor_id=office.approver)
    with pytest.raises(Conflict):
        claim_task(office.uow, task_id=task.id, actor_id=office.colleague)
    assert task.assignee_id == office.approver and not office.uow.committed


def test_claiming_outside_ones_lanes_is_denied(office: Office) -> None:
    with pytest.raises(PermissionDenied):
        claim_task(office.uow, task_id=office.task().id, actor_id=office.outsider)
    assert office.task().assignee_id is None


def test_a_closed_task_cannot_be_claimed(office: Office) -> None:
    task = office.task()
    complete_task(office.uow, task_id=task.id, actor_id=office.approver, decision="approve")
    with pytest.raises(Conflict):
        claim_task(office.uow, task_id=task.id, actor_id=office.colleague)


def test_a_disabled_user_cannot_claim(office: Office) -> None:
    office.uow.users.get(office.colleague).is_active = False
    with pytest.raises(PermissionDenied):
        claim_task(office.uow, task_id=office.task().id, actor_id=office.colleague)


# Releasing --------------------------------------------------------------------------


def test_the_holder_releases_a_task_to_its_lane(office: Office) -> None:
    task = office.task()
    claim_task(office.uow, task_id=task.id, actor_id=office.approver)
    view = unclaim_task(office.uow, task_id=task.id, actor_id=office.approver)
    assert view.assignee_id is None and task.claimed_at is None


def test_only_the_holder_or_an_assigner_releases_a_task(office: Office) -> None:
    task = office.task()
    claim_task(office.uow, task_id=task.id, actor_id=office.approver)
    with pytest.raises(PermissionDenied):
        unclaim_task(office.uow, task_id=task.id, actor_id=office.colleague)
    assert task.assignee_id == office.approver
    unclaim_task(office.uow, task_id=task.id, actor_id=office.assigner)
    assert task.assignee_id is None


def test_the_authors_revise_task_cannot_be_released(office: Office) -> None:
    revise = _reject(office)
    assert revise.assignee_id == office.clerk  # back to the creator, fixed
    with pytest.raises(Conflict):
        unclaim_task(office.uow, task_id=revise.id, actor_id=office.clerk)
    assert revise.assignee_id == office.clerk


# Handing over -----------------------------------------------------------------------


def test_an_assigner_hands_a_task_to_a_lane_member(office: Office) -> None:
    task = office.task()
    view = assign_task(
        office.uow, task_id=task.id, assignee_id=office.colleague, actor_id=office.assigner
    )
    assert view.assignee_id == office.colleague
    assert office.uow.audit.rows[max(office.uow.audit.rows)].details == {
        "from": None,
        "to": office.colleague,
    }


def test_a_task_goes_only_to_someone_who_may_work_its_lane(office: Office) -> None:
    task = office.task()
    with pytest.raises(ValidationFailed) as caught:
        assign_task(
            office.uow, task_id=task.id, assignee_id=office.outsider, actor_id=office.assigner
        )
    assert set(caught.value.fields) == {"assignee_id"}
    assert not office.uow.committed


def test_a_task_goes_to_no_unknown_user(office: Office) -> None:
    with pytest.raises(ValidationFailed) as caught:
        assign_task(office.uow, task_id=office.task().id, assignee_id=999, actor_id=office.assigner)
    assert set(caught.value.fields) == {"assignee_id"}


def test_a_lane_member_not_holding_the_task_cannot_hand_it_over(office: Office) -> None:
    with pytest.raises(PermissionDenied):
        assign_task(
            office.uow,
            task_id=office.task().id,
            assignee_id=office.colleague,
            actor_id=office.approver,
        )


# Completing -------------------------------------------------------------------------


def test_approving_posts_the_invoice_and_closes_the_task(office: Office) -> None:
    task = office.task()
    result = complete_task(
        office.uow, task_id=task.id, actor_id=office.approver, decision="approve"
    )
    assert result.document_state == DocumentState.POSTED == office.state
    assert task.status == "completed" and task.completed_by == office.approver
    [entry] = office.uow.ledger.of_document(office.document_id)
    assert entry.credit == Decimal(10000) + Decimal(900)  # a purchase credits the supplier
    assert office.uow.tasks.open_of_document(office.document_id) == []


def test_a_task_is_completed_once(office: Office) -> None:
    task = office.task()
    complete_task(office.uow, task_id=task.id, actor_id=office.approver, decision="approve")
    with pytest.raises(Conflict):
        complete_task(office.uow, task_id=task.id, actor_id=office.colleague, decision="approve")


def test_a_rejection_needs_a_comment(office: Office) -> None:
    with pytest.raises(ValidationFailed) as caught:
        complete_task(
            office.uow, task_id=office.task().id, actor_id=office.approver, decision="reject"
        )
    assert set(caught.value.fields) == {"comment"}
    assert office.state == DocumentState.AWAITING_APPROVAL


def test_an_unknown_decision_names_the_decision(office: Office) -> None:
    with pytest.raises(ValidationFailed) as caught:
        complete_task(
            office.uow, task_id=office.task().id, actor_id=office.approver, decision="maybe"
        )
    assert set(caught.value.fields) == {"decision"}


def test_completing_outside_ones_lane_is_denied(office: Office) -> None:
    with pytest.raises(PermissionDenied):
        complete_task(
            office.uow, task_id=office.task().id, actor_id=office.clerk, decision="approve"
        )
    assert office.task().status == "open"


def test_a_task_held_by_a_colleague_is_not_completed_by_another(office: Office) -> None:
    task = office.task()
    claim_task(office.uow, task_id=task.id, actor_id=office.colleague)
    with pytest.raises(PermissionDenied):
        complete_task(office.uow, task_id=task.id, actor_id=office.approver, decision="approve")


def test_a_rejected_draft_resubmitted_goes_back_to_approval(office: Office) -> None:
    revise = _reject(office)
    assert office.state == DocumentState.DRAFT
    submit_document(office.uow, document_id=office.document_id, actor_id=office.clerk)
    assert revise.status == "completed"
    assert office.state == DocumentState.AWAITING_APPROVAL
    assert office.task().lane == "approval"
