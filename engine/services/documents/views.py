"""Read-side views of documents: detail, lists, history (I8), process state (E4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from engine import clock
from engine.domain.errors import NotFound, ValidationFailed
from engine.domain.overdue import is_overdue
from engine.domain.states import OPEN, DocumentState
from engine.models.documents import Document
from engine.models.workflow import HumanTask, ProcessInstance
from engine.services.documents._posting import open_amount
from engine.services.processes._registry import instance_registry, version_registry
from engine.services.processes._runs import restore_run
from engine.services.terms._schedule import (
    InstallmentView,
    amount_after_discount,
    installments,
    next_due_date,
)
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import can_view, load_actor, viewer_of
from engine.workflow import NO_OPERATORS

# The state names a list may filter on (engine.domain.states, in display order).
STATES = tuple(state.value for state in DocumentState)


@dataclass(frozen=True)
class DocumentView:
    id: int
    type: str
    type_name: str
    state: str
    number: str | None
    contact_id: int
    contact_name: str
    issue_date: date
    due_date: date | None
    source_id: int | None
    currency: str
    notes: str
    lines: list[dict[str, object]]
    additions: list[dict[str, object]]
    totals: dict[str, Decimal]
    overrides: dict[str, Decimal | None]
    paid: Decimal
    open_amount: Decimal
    overdue: bool
    created_by: int
    created_at: datetime
    posted_at: datetime | None
    lock_version: int
    process_instance_id: int | None
    open_tasks: list[dict[str, object]]
    # Its payment term's instalments and early discount (issue 14 §3, §4).
    payment_term_id: int | None = None
    installments: list[InstallmentView] = field(default_factory=list)
    discount_date: date | None = None
    early_discount: Decimal | None = None
    amount_due_after_discount: Decimal | None = None


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    actor_id: int | None
    action: str
    comment: str | None
    details: dict[str, object]


@dataclass(frozen=True)
class IncidentView:
    """An instance's open incident: the background step that failed (issue 11 §3)."""

    error: str
    at: datetime
    element_id: str | None


@dataclass(frozen=True)
class InstanceView:
    id: int
    process_id: str
    version: int
    status: str
    document_id: int | None
    current_element_ids: list[str]
    path: list[str]
    open_tasks: list[dict[str, object]]
    created_at: datetime
    updated_at: datetime
    incident: IncidentView | None = None
    # Each declared step's name by language, by element id (its diagram's labels).
    step_labels: dict[str, dict[str, str]] | None = None


def get_document(uow: UnitOfWork, *, document_id: int, actor_id: int) -> DocumentView:
    """Return a document the actor may see (T3.11); others get NotFound, not a hint."""
    with uow:
        actor = load_actor(uow, actor_id)
        document = uow.documents.get(document_id)
        if not can_view(uow, actor, document):
            raise NotFound(f"document {document_id} not found")
        return document_view(uow, document)


def list_documents(
    uow: UnitOfWork,
    *,
    actor_id: int,
    type_code: str | None = None,
    state: str | None = None,
    contact_id: int | None = None,
    overdue: bool = False,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[DocumentView]:
    """Return documents newest first; ``overdue`` keeps those overdue today (F3,
    engine.domain.overdue)."""
    if state is not None and state not in STATES:
        raise ValidationFailed.single("state", f"must be one of: {', '.join(STATES)}")
    with uow:
        actor = load_actor(uow, actor_id)
        rows = uow.documents.list(
            type_codes=[type_code] if type_code else None,
            states=[state] if state else None,
            contact_id=contact_id,
            overdue_on=clock.business_today() if overdue else None,
            q=q,
            viewer=viewer_of(uow, actor),
            limit=min(limit, 500),
            offset=offset,
        )
        return [document_view(uow, d, with_tasks=False) for d in rows]


def document_history(uow: UnitOfWork, *, document_id: int, actor_id: int) -> list[EventView]:
    """Return every change, decision and payment of a document, oldest first (I8)."""
    with uow:
        actor = load_actor(uow, actor_id)
        document = uow.documents.get(document_id)
        if not can_view(uow, actor, document):
            raise NotFound(f"document {document_id} not found")
        return [
            EventView(e.id, e.at, e.actor_id, e.action, e.comment, dict(e.details))
            for e in uow.documents.events(document.id)
        ]


def view_instance(uow: UnitOfWork, *, instance_id: int, actor_id: int) -> InstanceView:
    """Return an instance the actor may see: that of a document they may view (T3.11).

    Any other is NotFound, not a hint, as for the document page.
    """
    with uow:
        check_instance_visible(uow, instance_id=instance_id, actor_id=actor_id)
    return get_instance(uow, instance_id=instance_id)


def check_instance_visible(uow: UnitOfWork, *, instance_id: int, actor_id: int) -> None:
    """Raise NotFound unless the actor may see the instance's document (open uow)."""
    actor = load_actor(uow, actor_id)
    instance = uow.processes.get(instance_id)
    if instance.document_id is not None:
        document = uow.documents.get(instance.document_id)
        if not can_view(uow, actor, document):
            raise NotFound(f"process instance {instance_id} not found")


def get_instance(uow: UnitOfWork, *, instance_id: int) -> InstanceView:
    """Return an instance's state, current elements and the path taken (E4; no access check)."""
    with uow:
        instance = uow.processes.get(instance_id)
        version = uow.processes.version(instance.version_id)
        run = restore_run(uow, instance, NO_OPERATORS)  # a view runs no service task
        tasks: list[dict[str, object]] = [
            {
                "id": t.id,
                "element_id": t.element_id,
                "cartable": t.lane,
                "assignee_id": t.assignee_id,
                "document_id": t.document_id,
            }
            for t in uow.tasks.open_of_instance(instance.id)
        ]
        return InstanceView(
            id=instance.id,
            process_id=instance.process_id,
            version=version.version,
            status=instance.status,
            document_id=instance.document_id,
            current_element_ids=(
                run.current_element_ids() if instance.status in ("running", "incident") else []
            ),
            path=run.path_taken(),
            open_tasks=tasks,
            created_at=instance.created_at,
            updated_at=instance.updated_at,
            incident=incident_of(instance),
            step_labels=version_registry(uow, version.id).element_labels(),
        )


def incident_of(instance: ProcessInstance) -> IncidentView | None:
    """Return the instance's open incident, or None."""
    if instance.status != "incident" or instance.incident_at is None:
        return None
    return IncidentView(
        instance.incident_error or "", instance.incident_at, instance.incident_element_id
    )


def document_view(uow: UnitOfWork, d: Document, *, with_tasks: bool = True) -> DocumentView:
    """Return the plain view of a document row."""
    tasks = uow.tasks.open_of_document(d.id) if with_tasks else []
    instances = uow.processes.for_document(d.id) if with_tasks else []
    instance_id = tasks[0].instance_id if tasks else (instances[0].id if instances else None)
    open_ = open_amount(d)
    return DocumentView(
        id=d.id,
        type=d.type.code,
        type_name=d.type.name,
        state=d.state,
        number=d.number,
        contact_id=d.contact_id,
        contact_name=uow.contacts.get(d.contact_id).name,
        issue_date=d.issue_date,
        due_date=d.due_date,
        source_id=d.source_id,
        currency=d.currency,
        notes=d.notes,
        lines=[
            {
                "id": ln.id,
                "product_id": ln.product_id,
                "description": ln.description,
                "quantity": ln.quantity,
                "unit_price": ln.unit_price,
                "discount_percent": ln.discount_percent,
                "discount_amount": ln.discount_amount,
                "gross": ln.gross,
                "discount": ln.line_discount,
                "net": ln.net,
                "source_line_id": ln.source_line_id,
            }
            for ln in d.lines
        ],
        additions=[
            {
                "name": a.name,
                "kind": a.kind,
                "basis": a.basis,
                "value": a.value,
                "taxable": a.taxable,
                "leviable": a.leviable,
                "amount": a.amount,
            }
            for a in d.addition_rows
        ],
        totals={
            "subtotal": d.subtotal,
            "discount": d.discount,
            "additions": d.additions,
            "tax": d.tax,
            "levy": d.levy,
            "total": d.total,
        },
        overrides={"discount": d.override_discount, "tax": d.override_tax, "levy": d.override_levy},
        paid=d.paid,
        open_amount=open_ if d.state in OPEN else Decimal(0),
        overdue=is_overdue(
            state=d.state,
            due_date=next_due_date(uow, d),
            issue_date=d.issue_date,
            open_amount=open_,
            today=clock.business_today(),
        ),
        created_by=d.created_by,
        created_at=d.created_at,
        posted_at=d.posted_at,
        lock_version=d.lock_version,
        process_instance_id=instance_id,
        open_tasks=[
            {
                "id": t.id,
                "element_id": t.element_id,
                "name": t.name,
                "labels": _step_labels(uow, t),
                "cartable_labels": _lane_labels(uow, t),
                "cartable": t.lane,
                "assignee_id": t.assignee_id,
            }
            for t in tasks
        ],
        payment_term_id=d.payment_term_id,
        installments=installments(uow, d),
        discount_date=d.discount_date,
        early_discount=d.early_discount,
        amount_due_after_discount=amount_after_discount(d) if d.state in OPEN else None,
    )


def _step_labels(uow: UnitOfWork, task: HumanTask) -> dict[str, str]:
    """Return the step's name by language, as its diagram declares it."""
    step = instance_registry(uow, task.instance_id).step(task.element_id)
    return dict(step.labels) if step else {}


def _lane_labels(uow: UnitOfWork, task: HumanTask) -> dict[str, str]:
    """Return the task's cartable's name by language, as its diagram declares it."""
    lane = instance_registry(uow, task.instance_id).lane(task.lane)
    return dict(lane.labels) if lane else {}
