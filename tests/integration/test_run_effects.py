"""Operators without re-entry: one registry, effects after the run, views run nothing.

Issue 11 §3 (SPEC C1, F1, P2, E4): a service task never starts or restores another
workflow run while its own run steps; it records an effect that the command applies
after the engine step and the save of the first run, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from engine.services.documents.views import get_instance
from engine.services.followups import passes as followups
from engine.services.processes import _operators as operators_module
from engine.services.processes._effects import FollowInvoice, StartFollowUp
from engine.services.processes._operators import OPERATORS
from engine.services.processes.timers import run_due_timers
from engine.services.unit_of_work import UnitOfWork
from engine.workflow import NO_OPERATORS, WorkflowRun
from engine.workflow.script_engine import CartableScriptEngine
from tests.integration.followup_support import at, customer, messages, post_directly, posted_invoice

ISSUED = date(2026, 3, 1)
DUE = date(2026, 3, 31)


class Watch:
    """Counts the depth of operator calls and every run started or restored inside one."""

    def __init__(self) -> None:
        self.depth = 0
        self.nested: list[str] = []
        self.applied: list[object] = []
        self.registries: list[object] = []


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> Iterator[Watch]:
    seen = Watch()
    call_service = CartableScriptEngine.call_service

    def counted(self: CartableScriptEngine, *args: Any, **kw: Any) -> Any:
        seen.registries.append(getattr(self.operators, "registry", None))
        seen.depth += 1
        try:
            return call_service(self, *args, **kw)
        finally:
            seen.depth -= 1

    monkeypatch.setattr(CartableScriptEngine, "call_service", counted)
    for name in ("start", "restore"):
        original = getattr(WorkflowRun, name)

        def wrapped(*args: Any, _original: Any = original, _name: str = name, **kw: Any) -> Any:
            if seen.depth:
                seen.nested.append(_name)
            return _original(*args, **kw)

        monkeypatch.setattr(WorkflowRun, name, staticmethod(wrapped))
    apply_effects = operators_module.apply_effects

    def recorded(run: Any) -> None:
        assert seen.depth == 0, "effects are applied outside the engine step"
        seen.applied.extend(run.effects)
        apply_effects(run)

    monkeypatch.setattr(operators_module, "apply_effects", recorded)
    monkeypatch.setattr(followups, "apply_effects", recorded)  # the daily pass, per customer
    yield seen


def _follow_up(uow: UnitOfWork, contact_id: int) -> tuple[int | None, str | None]:
    with uow:
        state = uow.followups.of_contact(contact_id)
        assert state is not None
        if state.instance_id is None:
            return None, None
        return state.instance_id, uow.processes.get(state.instance_id).status


def test_posting_starts_the_follow_up_through_an_effect_after_the_run(
    uow: UnitOfWork, ids: dict[str, int], watch: Watch
) -> None:
    """Issue 11 §3, F1, P2: posting records FollowInvoice; the customer's instance starts
    after the posting run was saved, never inside it; every run of every command sees
    the one registry built at import."""
    post_directly(uow, ids)
    with time_machine.travel(at(ISSUED), tick=False):
        contact_id = customer(uow, ids, "مشتری اثر")
        first = posted_invoice(uow, ids, contact_id, DUE)
        posted_invoice(uow, ids, contact_id, DUE + timedelta(days=5))  # a second command

    assert watch.applied[0] == FollowInvoice(first)
    assert watch.nested == []  # no run was started or restored inside an operator
    instance_id, status = _follow_up(uow, contact_id)
    assert instance_id is not None and status == "running"
    assert watch.registries and all(r is OPERATORS for r in watch.registries)
    with uow:
        approval = uow.processes.running_for_document(first)
        assert approval is None  # the posting run completed and was saved first


def test_continue_as_new_is_an_effect_on_the_timer_beat_and_the_daily_pass(
    uow: UnitOfWork, ids: dict[str, int], watch: Watch
) -> None:
    """Issue 11 §3, F1: record_followup's next instance is a StartFollowUp effect, applied
    after the step, both when the timer beat fires it and in the batched daily pass."""
    post_directly(uow, ids)
    with time_machine.travel(at(ISSUED), tick=False):
        contact_id = customer(uow, ids, "مشتری ادامه")
        posted_invoice(uow, ids, contact_id, DUE)
    before, _ = _follow_up(uow, contact_id)

    with time_machine.travel(at(DUE - timedelta(days=3)), tick=False):
        assert run_due_timers(uow) == 1
    beat, status = _follow_up(uow, contact_id)
    assert StartFollowUp(contact_id) in watch.applied
    assert beat != before and status == "running"

    watch.applied.clear()
    day = DUE + timedelta(days=7)
    with time_machine.travel(at(day), tick=False):
        followups.process_followups(uow, on=day)
    daily, status = _follow_up(uow, contact_id)
    assert StartFollowUp(contact_id) in watch.applied
    assert daily != beat and status == "running"
    assert [m.channel for m in messages(uow, contact_id)] == ["email", "email"]
    assert watch.nested == []


def test_a_view_restores_without_operators_and_runs_nothing(
    uow: UnitOfWork, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11 §3, E4: get_instance restores with NO_OPERATORS; viewing an instance whose
    timer is overdue (its next steps are service tasks) sends nothing and changes nothing."""
    post_directly(uow, ids)
    with time_machine.travel(at(ISSUED), tick=False):
        contact_id = customer(uow, ids, "مشتری نما")
        posted_invoice(uow, ids, contact_id, DUE)
    instance_id, _ = _follow_up(uow, contact_id)
    assert instance_id is not None
    with uow:
        state_before = uow.processes.get(instance_id).state

    from engine.services.documents import views as document_views

    given: list[object] = []
    restore = document_views.restore_run

    def spy(uow_: UnitOfWork, instance: Any, operators: Any) -> Any:
        given.append(operators)
        run = restore(uow_, instance, operators)
        run.refresh_timers()  # even if a view stepped the run, no operator could run
        return run

    monkeypatch.setattr(document_views, "restore_run", spy)
    with time_machine.travel(at(DUE + timedelta(days=40)), tick=False):
        with pytest.raises(Exception, match="no operator named"):
            get_instance(uow, instance_id=instance_id)
    assert given == [NO_OPERATORS]
    assert messages(uow, contact_id) == []
    with uow:
        assert uow.processes.get(instance_id).state == state_before
