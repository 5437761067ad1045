"""Effects on a customer's follow-up, applied after the run that recorded them.

Issue 11 §3: posting an invoice (FollowInvoice) and continue-as-new (StartFollowUp)
start or move another instance; engine.services.processes._operators.apply_effects calls these
once the recording run is saved, never from inside its engine step (F1, P2).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from engine import clock
from engine.domain.followups import OpenInvoice, next_date
from engine.models.documents import Document
from engine.models.followups import CustomerFollowup
from engine.repositories.followups import FOLLOWED_KIND
from engine.services.followups._batch import PROCESS_ID
from engine.services.followups._operators import followup_context
from engine.services.followups._schedule import MIN_DELAY, start_of
from engine.services.processes._effects import RunContext, StartFollowUp
from engine.services.processes._runs import restore_run, save_run, start_instance
from engine.services.unit_of_work import AbstractUnitOfWork
from engine.workflow import WorkflowRun

logger = logging.getLogger(__name__)


def start_follow_up(run: RunContext, effect: StartFollowUp) -> None:
    """Apply StartFollowUp: start the customer's next instance (with a deferred batch)."""
    batch = followup_context(run).batch
    assert batch is not None
    state = batch.state(effect.contact_id)
    if batch.deferred:  # written with the batch
        data = {"contact_id": effect.contact_id}
        batch.start_later(state, WorkflowRun.start(batch.current_spec(), data, run.operators))
    else:
        start_customer_instance(run.uow, state, run.operators)


def start_customer_instance(
    uow: AbstractUnitOfWork, state: CustomerFollowup, operators: Mapping[str, Any]
) -> None:
    """Start a follow-up instance for the customer and remember it on its row."""
    instance = start_instance(
        uow,
        process_id=PROCESS_ID,
        document_id=None,
        data={"contact_id": state.contact_id},
        operators=operators,
    )
    state.instance_id = instance.id


def follow_invoice(
    uow: AbstractUnitOfWork, document: Document, operators: Mapping[str, Any]
) -> None:
    """Put a just-posted invoice with a due date under follow-up (C1, P2).

    Applies the FollowInvoice effect, after the posting run was saved (issue 11 §3).

    Starts the customer's instance if none runs; otherwise, if the new invoice needs
    an earlier step than the one waited for, moves the waiting timer.
    """
    if document.type.kind != FOLLOWED_KIND or document.due_date is None:
        return
    state = uow.followups.ensure(uow.contacts.get(document.contact_id))
    instance = uow.processes.find(state.instance_id) if state.instance_id else None
    if instance is not None and instance.status == "incident":
        return  # its retry reads the open invoices then (issue 11 §3); no second instance
    if instance is None or instance.status != "running":
        start_customer_instance(uow, state, operators)
        return
    invoice = OpenInvoice(
        document.id, document.number or "", document.due_date, document.total, None
    )
    earlier = next_date(uow.followups.rules(), invoice)
    if earlier is None or state.next_date_manual or state.status != "waiting":
        return
    if state.next_date is None or earlier < state.next_date:
        state.next_date = earlier
        run = restore_run(uow, uow.processes.get_for_update(instance.id), operators)
        run.move_timers(max(start_of(earlier), clock.now() + MIN_DELAY))
        save_run(uow, instance, run)
        logger.info("follow-up moved earlier", extra={"contact_id": state.contact_id})
