"""Follow-up use cases: the daily pass, bulk processing, the customers needing action (F4-F8).

The pass selects due customers set-based on the indexed customer_followup
(status, next_date) and wakes each one's BPMN instance (overdue_followup.bpmn) by
moving its timer to now; the instance's service tasks decide and queue the messages.
Customers are processed 100 per transaction, each in a savepoint, so one broken
customer is logged and skipped without losing the others. A dry run computes the same
decisions from the same rules with reads only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from engine import clock
from engine.domain.errors import ValidationFailed
from engine.domain.followups import due_action
from engine.domain.permissions import Perm
from engine.services.followups._batch import PROCESS_ID, FollowupBatch
from engine.services.followups._effects import start_customer_instance
from engine.services.followups._messages import recipient_for
from engine.services.followups._operators import FollowupContext, FollowupMessage, may_act
from engine.services.processes._operators import apply_effects, operator_run
from engine.services.processes._runs import restore_run
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require
from engine.workflow import WorkflowRun

logger = logging.getLogger(__name__)

BATCH = 100
PREVIEW_BATCH = 500


def process_followups(
    uow: UnitOfWork,
    *,
    on: date,
    dry_run: bool = False,
    batch: int = BATCH,
    shard: tuple[int, int] = (0, 1),
    restart: bool | None = None,
) -> list[FollowupMessage]:
    """Process every automatic customer whose next follow-up date is ``on`` or earlier.

    Returns the messages queued (or, with ``dry_run``, that would be queued; nothing
    is written then). A re-run on the same date queues nothing twice. ``shard`` =
    (i, n) processes only customers whose id is i modulo n, so n workers can share a
    pass. ``restart`` (default: shard 0 does it) first starts the follow-up of customers
    with open invoices and none under way (:func:`restart_unfollowed`). Raises
    ValidationFailed (field ``date``) for a real run on a future date and (field
    ``shard``) for a shard that is not 0 <= i < n.
    """
    if not 0 <= shard[0] < shard[1]:
        raise ValidationFailed.single("shard", "must be (i, n) with 0 <= i < n")
    if dry_run:
        return preview_followups(uow, on=on)
    if on > clock.business_today():
        raise ValidationFailed.single("date", "a future date can only be previewed (dry run)")
    if shard[0] == 0 if restart is None else restart:
        restart_unfollowed(uow)
    sent: list[FollowupMessage] = []
    after = 0
    while True:
        with uow:
            ids = uow.followups.due_contact_ids(on, limit=batch, after_id=after, shard=shard)
            if not ids:
                return sent
            after = ids[-1]
            sent.extend(_wake_many(uow, ids, FollowupContext(on=on), actor_id=None))
            uow.commit()


def process_customers(
    uow: UnitOfWork, *, contact_ids: Sequence[int], actor_id: int, on: date | None = None
) -> list[FollowupMessage]:
    """Process these customers now, manual ones and non-automatic levels included (F8).

    Raises PermissionDenied without the follow-up permission, ValidationFailed for an
    empty list or a customer not under follow-up.
    """
    if not contact_ids:
        raise ValidationFailed.single("contact_ids", "choose at least one customer")
    with uow:
        require(load_actor(uow, actor_id), Perm.FOLLOW_UP)
        known = uow.followups.states(list(contact_ids))
        missing = [cid for cid in contact_ids if cid not in known]
        if missing:
            raise ValidationFailed.single(
                "contact_ids", f"not under follow-up: {', '.join(map(str, missing))}"
            )
        context = FollowupContext(on=on or clock.business_today(), force=True)
        sent = _wake_many(uow, list(dict.fromkeys(contact_ids)), context, actor_id=actor_id)
        uow.audit.record(
            actor_id=actor_id,
            action="followup.process",
            entity="contact",
            details={"contact_ids": list(contact_ids), "messages": len(sent)},
        )
        uow.commit()
        return sent


def restart_unfollowed(uow: UnitOfWork, *, limit: int = 5000) -> None:
    """Start the follow-up of customers with open invoices and none under way (F2, I6)."""
    with uow:
        ids = uow.followups.unfollowed_with_open_invoices(limit=limit)
    if ids:
        started = follow_customers(uow, contact_ids=ids)
        logger.info("follow-ups restarted", extra={"customers": started})


def follow_customers(uow: UnitOfWork, *, contact_ids: Sequence[int], batch: int = 500) -> int:
    """Start the follow-up of customers that have none running; return how many started.

    What posting an invoice does for one customer, for many at once (a backfill after
    installing, the benchmark's set-up): each instance runs to its first timer in
    memory and the batch is written together.
    """
    started = 0
    for i in range(0, len(contact_ids), batch):
        ids = list(contact_ids[i : i + batch])
        with uow:
            group = FollowupBatch(uow, sent=[], deferred=True)
            group.prefetch(ids)
            context = FollowupContext(batch=group)
            with operator_run(uow, actor_id=None, followup=context) as run:
                with uow.no_autoflush():
                    for contact_id in ids:
                        state = group.state(contact_id)
                        instance_id = state.instance_id
                        if instance_id and group.instance(instance_id).status == "running":
                            continue
                        spec = group.current_spec()
                        data = {"contact_id": contact_id}
                        group.start_later(state, WorkflowRun.start(spec, data, run.operators))
                        started += 1
            group.write()
            uow.commit()
    return started


def preview_followups(uow: UnitOfWork, *, on: date) -> list[FollowupMessage]:
    """Return what a pass on ``on`` would queue, reading only (the CLI's --dry-run)."""
    out: list[FollowupMessage] = []
    with uow:
        rules = uow.followups.rules()
        levels = {level.id: level for level in uow.followups.levels()}
        after = 0
        while ids := uow.followups.due_contact_ids(on, limit=PREVIEW_BATCH, after_id=after):
            after = ids[-1]
            states = uow.followups.states(ids)
            invoices = uow.followups.open_invoices(ids)
            contacts = uow.followups.contacts(ids)
            for contact_id in ids:
                action = due_action(rules, invoices.get(contact_id, []), on)
                if action is None or not may_act(states[contact_id], action.level, on, force=False):
                    continue
                level, contact = levels[action.level.id], contacts[contact_id]
                numbers = tuple(inv.number for inv in action.listed)
                for channel in level.channels:
                    recipient = recipient_for(contact, channel)
                    if recipient:
                        out.append(FollowupMessage.of(contact, numbers, level, channel, recipient))
        uow.rollback()
    return out


def _wake_many(
    uow: UnitOfWork, contact_ids: Iterable[int], context: FollowupContext, *, actor_id: int | None
) -> list[FollowupMessage]:
    """Wake a batch of customers in the caller's transaction; return the messages queued.

    Every customer's BPMN is stepped in memory and what its service tasks decide is
    written together at the end (followup_batch). A customer whose step fails is
    logged and left out; the others' reminders still go out. If writing the batch
    fails, the batch is rolled back and written again customer by customer, each in a
    savepoint, so one bad row cannot block the rest.
    """
    ids = list(contact_ids)
    try:
        with uow.savepoint():
            return _run_batch(uow, ids, context, actor_id, each_in_savepoint=False)
    except Exception:  # written again one by one below, where failures are logged
        logger.warning("follow-up batch failed; retrying customer by customer")
    sent: list[FollowupMessage] = []
    for contact_id in ids:
        try:
            with uow.savepoint():
                sent.extend(
                    _run_batch(uow, [contact_id], context, actor_id, each_in_savepoint=True)
                )
        except Exception:  # one customer's failure must not stop the others' reminders
            logger.exception("follow-up failed", extra={"contact_id": contact_id})
    return sent


def _run_batch(
    uow: UnitOfWork,
    ids: list[int],
    context: FollowupContext,
    actor_id: int | None,
    *,
    each_in_savepoint: bool,
) -> list[FollowupMessage]:
    sent: list[FollowupMessage] = []
    batch = context.batch = FollowupBatch(uow, sent=sent, deferred=True, on=context.on)
    batch.prefetch(ids)
    batch.hold(uow.processes.versions(PROCESS_ID))  # restore_run reads the version per run
    with operator_run(uow, actor_id=actor_id, followup=context) as run, uow.no_autoflush():
        for contact_id in ids:
            mark = batch.mark()
            try:
                _wake(uow, batch, contact_id, run.operators)
                apply_effects(run)  # its next instance (continue-as-new), buffered too
            except Exception:
                run.effects.clear()
                if each_in_savepoint:
                    raise
                batch.rollback_to(mark, contact_id)
                logger.exception("follow-up failed", extra={"contact_id": contact_id})
    batch.write()
    return sent


def _wake(
    uow: UnitOfWork, batch: FollowupBatch, contact_id: int, operators: Mapping[str, Any]
) -> None:
    """Fire the customer's waiting follow-up timer now (the instance decides the rest)."""
    state = batch.state(contact_id)
    instance = batch.instance(state.instance_id) if state.instance_id else None
    if instance is not None and instance.status == "incident":
        return  # it waits for a retry (issue 11 §3); a second instance would send twice
    if instance is None or instance.status != "running":
        start_customer_instance(uow, state, operators)  # rare: a lost or ended instance
        instance = batch.instance(state.instance_id) if state.instance_id else None
        if instance is None or instance.status != "running":
            return  # nothing open: the new instance ended at once
    run = restore_run(uow, instance, operators)
    run.move_timers(clock.now() - timedelta(seconds=1))
    run.refresh_timers()
    batch.fired(instance, run)
