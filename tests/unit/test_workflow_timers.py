"""Timer events: next_timer_at and refresh_timers, with the clock moved (ARCHITECTURE §5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from engine.workflow import WorkflowRun
from tests.unit.test_workflow_support import load_test_bpmn

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def start_timer_run() -> WorkflowRun:
    return WorkflowRun.start(load_test_bpmn("timer.bpmn", "timer_test"), {}, {})


def test_waiting_timer_reports_when_it_is_due() -> None:
    with time_machine.travel(T0, tick=False):
        run = start_timer_run()

    assert run.next_timer_at() == T0 + timedelta(hours=1)
    assert run.current_element_ids() == ["wait_an_hour"]
    assert run.ready_user_tasks() == []


def test_timer_does_not_fire_early() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        run = start_timer_run()
        traveller.shift(timedelta(minutes=59))
        run.refresh_timers()

    assert run.ready_user_tasks() == []
    assert run.next_timer_at() == T0 + timedelta(hours=1)


def test_timer_fires_once_due_even_after_a_restore() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        run = start_timer_run()
        spec = load_test_bpmn("timer.bpmn", "timer_test")
        restored = WorkflowRun.restore(spec, run.dump(), {})
        traveller.shift(timedelta(minutes=61))
        restored.refresh_timers()

    assert [task.element_id for task in restored.ready_user_tasks()] == ["follow_up"]
    assert restored.next_timer_at() is None
    assert "wait_an_hour" in restored.path_taken()
