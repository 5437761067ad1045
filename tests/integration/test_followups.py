"""The overdue follow-up process end to end on the real database (SPEC F1, F2, F4, P2, C1).

Default levels: -3 days email, +7 email, +15 email and SMS, +30 letter and a call.
"""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from engine.services.accounts.payments import (
    Allocation,
    NewPayment,
    record_payment,
    set_cheque_state,
)
from engine.services.cartable.tasks import complete_task, list_cartable
from engine.services.followups.customers import (
    customer_history,
    list_needing_action,
    update_customer_followup,
)
from engine.services.followups.levels import update_level
from engine.services.followups.passes import process_customers, process_followups
from engine.services.processes.timers import run_due_timers
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.admin import UserEdit, update_user
from engine.services.users.delegations import set_assignment_notices
from tests.integration.followup_support import (
    at,
    customer,
    messages,
    pay_in_full,
    post_directly,
    posted_invoice,
    row_counts,
)

ISSUED = date(2026, 3, 1)
DUE = date(2026, 3, 31)


def _setup(uow: UnitOfWork, ids: dict[str, int], **kw: object) -> tuple[int, int]:
    post_directly(uow, ids)
    with time_machine.travel(at(ISSUED), tick=False):
        contact_id = customer(uow, ids, "مشتری دیرکرد", **kw)  # type: ignore[arg-type]
        invoice_id = posted_invoice(uow, ids, contact_id, DUE)
    return contact_id, invoice_id


def _run(uow: UnitOfWork, day: date) -> list[object]:
    with time_machine.travel(at(day), tick=False):
        return list(process_followups(uow, on=day))


def test_each_level_fires_on_its_day_and_not_before(uow: UnitOfWork, ids: dict[str, int]) -> None:
    contact_id, _ = _setup(uow, ids)
    fired: dict[date, list[str]] = {}
    day = DUE - timedelta(days=5)
    while day <= DUE + timedelta(days=31):
        sent = _run(uow, day)
        if sent:
            fired[day] = sorted(m.channel for m in sent)  # type: ignore[attr-defined]
        day += timedelta(days=1)

    assert fired == {
        DUE - timedelta(days=3): ["email"],
        DUE + timedelta(days=7): ["email"],
        DUE + timedelta(days=15): ["email", "sms"],
        DUE + timedelta(days=30): ["letter"],
    }
    assert [m.channel for m in messages(uow, contact_id)] == [
        "email",
        "email",
        "email",
        "sms",
        "letter",
    ]


def test_changing_a_levels_days_moves_the_next_step(uow: UnitOfWork, ids: dict[str, int]) -> None:
    contact_id, _ = _setup(uow, ids)
    assert _run(uow, DUE - timedelta(days=3))  # the reminder went out
    with uow:
        plus7 = next(lvl.id for lvl in uow.followups.levels() if lvl.days == 7)
    update_level(uow, level_id=plus7, changes={"days": 10}, actor_id=ids["admin"])

    assert _run(uow, DUE + timedelta(days=7)) == []
    assert [m.channel for m in _run(uow, DUE + timedelta(days=10))] == ["email"]  # type: ignore[attr-defined]

    update_level(uow, level_id=plus7, changes={"days": 12}, actor_id=ids["admin"])
    with uow:  # the +15 level is next; moving it earlier brings the step forward
        plus15 = next(lvl.id for lvl in uow.followups.levels() if lvl.days == 15)
    update_level(uow, level_id=plus15, changes={"days": 13}, actor_id=ids["admin"])
    assert _run(uow, DUE + timedelta(days=12)) == []
    assert sorted(m.channel for m in _run(uow, DUE + timedelta(days=13))) == ["email", "sms"]  # type: ignore[attr-defined]


def test_a_paid_invoice_gets_nothing(uow: UnitOfWork, ids: dict[str, int]) -> None:
    contact_id, invoice_id = _setup(uow, ids)
    assert _run(uow, DUE - timedelta(days=3))
    with time_machine.travel(at(DUE + timedelta(days=2)), tick=False):
        pay_in_full(uow, ids, contact_id, invoice_id)

    for offset in (7, 15, 30, 45):
        assert _run(uow, DUE + timedelta(days=offset)) == []
    assert len(messages(uow, contact_id)) == 1
    with uow:
        state = uow.followups.of_contact(contact_id)
        assert state is not None and state.status == "none" and state.next_date is None


def test_a_rerun_on_the_same_day_writes_no_second_message(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, _ = _setup(uow, ids)
    day = DUE + timedelta(days=15)
    first = _run(uow, day)
    assert sorted(m.channel for m in first) == ["email", "sms"]  # type: ignore[attr-defined]
    before = row_counts(uow)

    assert _run(uow, day) == []
    with time_machine.travel(at(day, hour=18), tick=False):
        assert process_customers(uow, contact_ids=[contact_id], actor_id=ids["accountant"]) == []
    assert row_counts(uow)["outbox_message"] == before["outbox_message"]


def test_dry_run_lists_what_would_go_out_and_changes_nothing(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, invoice_id = _setup(uow, ids)
    with uow:
        number = uow.documents.get(invoice_id).number
    before = row_counts(uow)

    with time_machine.travel(at(DUE), tick=False):
        preview = process_followups(uow, on=DUE + timedelta(days=15), dry_run=True)

    assert row_counts(uow) == before
    assert [(m.customer, m.invoice_numbers, m.days, m.channel, m.recipient) for m in preview] == [
        ("مشتری دیرکرد", (number,), 15, "email", "c@example.com"),
        ("مشتری دیرکرد", (number,), 15, "sms", "+989120000000"),
    ]


def test_a_persian_customer_gets_persian_text_and_an_arabic_one_arabic(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    post_directly(uow, ids)
    with time_machine.travel(at(ISSUED), tick=False):
        fa = customer(uow, ids, "علیرضا دیرکرد", language="fa")
        ar = customer(uow, ids, "شركة التأخير", language="ar", email="ar@example.com")
        en = customer(uow, ids, "Late Ltd", language="en", email="en@example.com")
        for contact_id in (fa, ar, en):
            posted_invoice(uow, ids, contact_id, DUE, price="90000000")
    _run(uow, DUE + timedelta(days=7))

    by_contact = {m.contact_id: m for m in messages(uow) if m.channel == "email"}
    assert (
        by_contact[fa].locale == "fa"
        and "فاکتورهای زیر از سررسید گذشته‌اند" in by_contact[fa].body_source
    )
    assert by_contact[fa].context["total_due"] == "۹۸٬۱۰۰٬۰۰۰"
    assert by_contact[ar].locale == "ar" and "تجاوزت الفواتير التالية" in by_contact[ar].body_source
    assert by_contact[en].locale == "en" and by_contact[en].subject_source == "Overdue invoices"
    assert by_contact[en].context["total_due"] == "98,100,000"


def test_the_call_activity_lands_in_the_responsible_users_cartable(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, _ = _setup(uow, ids, owner="clerk")
    sent = _run(uow, DUE + timedelta(days=30))
    assert [m.channel for m in sent] == ["letter"]  # type: ignore[attr-defined]

    tasks = [t for t in list_cartable(uow, actor_id=ids["clerk"]) if t.cartable == "followup"]
    assert len(tasks) == 1
    assert tasks[0].assignee_id == ids["clerk"] and tasks[0].contact_name == "مشتری دیرکرد"
    assert tasks[0].name == "تماس با مشتری درباره فاکتورهای معوقه"
    done = complete_task(uow, task_id=tasks[0].id, actor_id=ids["clerk"], decision="done")
    assert done.task_id == tasks[0].id
    assert [t for t in list_cartable(uow, actor_id=ids["clerk"]) if t.cartable == "followup"] == []


def test_a_manual_customer_waits_for_bulk_processing(uow: UnitOfWork, ids: dict[str, int]) -> None:
    contact_id, _ = _setup(uow, ids)
    update_customer_followup(
        uow, contact_id=contact_id, changes={"mode": "manual"}, actor_id=ids["accountant"]
    )
    day = DUE + timedelta(days=7)
    assert _run(uow, day) == []
    with time_machine.travel(at(day), tick=False):
        listed = list_needing_action(uow, actor_id=ids["accountant"])
        assert [c.contact_id for c in listed] == [contact_id]
        sent = process_customers(uow, contact_ids=[contact_id], actor_id=ids["accountant"])
    assert [(m.days, m.channel) for m in sent] == [(7, "email")]
    kinds = [e.kind for e in customer_history(uow, contact_id=contact_id, actor_id=ids["admin"])]
    assert kinds == ["level", "message", "edited"]


def test_the_beat_timer_path_sends_the_same_as_the_daily_pass(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, _ = _setup(uow, ids)
    with time_machine.travel(
        at(DUE - timedelta(days=3), hour=0) + timedelta(minutes=5), tick=False
    ):
        assert run_due_timers(uow) >= 1
    assert [m.channel for m in messages(uow, contact_id)] == ["email"]
    assert _run(uow, DUE - timedelta(days=3)) == []


def test_a_pass_shared_by_two_workers_processes_each_customer_once(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    post_directly(uow, ids)
    with time_machine.travel(at(ISSUED), tick=False):
        contacts = [customer(uow, ids, f"مشتری {n}") for n in range(4)]
        for contact_id in contacts:
            posted_invoice(uow, ids, contact_id, DUE)
    day = DUE + timedelta(days=7)
    with time_machine.travel(at(day), tick=False):
        first = process_followups(uow, on=day, shard=(0, 2))
        second = process_followups(uow, on=day, shard=(1, 2))
    assert sorted(m.contact_id for m in first) == [c for c in contacts if c % 2 == 0]
    assert sorted(m.contact_id for m in second) == [c for c in contacts if c % 2 == 1]
    assert len(messages(uow)) == 4


def test_a_non_automatic_level_waits_for_a_person(uow: UnitOfWork, ids: dict[str, int]) -> None:
    contact_id, _ = _setup(uow, ids)
    assert _run(uow, DUE - timedelta(days=3))
    with uow:
        plus7 = next(lvl.id for lvl in uow.followups.levels() if lvl.days == 7)
    update_level(uow, level_id=plus7, changes={"automatic": False}, actor_id=ids["admin"])
    day = DUE + timedelta(days=7)

    assert _run(uow, day) == []
    with uow:
        state = uow.followups.of_contact(contact_id)
        assert state is not None and state.status == "action_needed"
    with time_machine.travel(at(day), tick=False):
        assert [c.contact_id for c in list_needing_action(uow, actor_id=ids["clerk"])] == [
            contact_id
        ]
        assert _run(uow, day + timedelta(days=1)) == []  # the pass leaves it to a person
        sent = process_customers(uow, contact_ids=[contact_id], actor_id=ids["clerk"])
    assert [(m.days, m.channel) for m in sent] == [(7, "email")]


def test_a_missing_address_is_skipped_and_the_other_channel_goes(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, _ = _setup(uow, ids, email=None)
    sent = _run(uow, DUE + timedelta(days=15))
    assert [m.channel for m in sent] == ["sms"]  # type: ignore[attr-defined]
    history = customer_history(uow, contact_id=contact_id, actor_id=ids["admin"])
    assert [(h.kind, h.channel, h.note) for h in history if h.kind == "skipped"] == [
        ("skipped", "email", "no email address")
    ]


def test_posting_an_invoice_due_sooner_moves_the_waiting_timer(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, _ = _setup(uow, ids)
    assert _run(uow, DUE - timedelta(days=3))  # next: +7 of the first invoice
    sooner = DUE + timedelta(days=2)
    with time_machine.travel(at(DUE - timedelta(days=2)), tick=False):
        second = posted_invoice(uow, ids, contact_id, sooner)
    with uow:
        state = uow.followups.of_contact(contact_id)
        assert state is not None and state.next_date == sooner - timedelta(days=3)
    # the BPMN timer itself moved: the generic beat fires it on that day
    with time_machine.travel(at(sooner - timedelta(days=3), hour=1), tick=False):
        assert run_due_timers(uow) >= 1
    last = messages(uow, contact_id)[-1]
    assert last.channel == "email" and last.document_ids == [second]


def test_a_bounced_cheque_puts_the_customer_back_under_follow_up(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id, invoice_id = _setup(uow, ids)
    with uow:
        total = uow.documents.get(invoice_id).total
    with time_machine.travel(at(DUE - timedelta(days=10)), tick=False):
        payment_id = record_payment(
            uow,
            NewPayment(
                contact_id=contact_id,
                amount=total,
                method="cheque",
                cheque_number="123456",
                cheque_due_date=DUE,
                allocations=[Allocation(invoice_id, total)],
            ),
            actor_id=ids["accountant"],
        )
    assert _run(uow, DUE - timedelta(days=3)) == []  # paid: nothing, the follow-up ends
    with uow:
        state = uow.followups.of_contact(contact_id)
        assert state is not None and state.status == "none"
    with time_machine.travel(at(DUE + timedelta(days=1)), tick=False):
        set_cheque_state(uow, payment_id=payment_id, state="bounced", actor_id=ids["accountant"])

    sent = _run(uow, DUE + timedelta(days=7))
    assert [(m.days, m.channel) for m in sent] == [(7, "email")]  # type: ignore[attr-defined]


def test_the_responsible_user_who_opted_in_is_told_of_the_activity(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    """Issue 12 §7: the pass's batch-made activity task is assigned to the customer's
    responsible user personally, so one who opted in gets the assignment message."""
    update_user(
        uow,
        actor_id=ids["admin"],
        username="clerk",
        edit=UserEdit(email="clerk@example.com"),
    )
    set_assignment_notices(uow, actor_id=ids["clerk"], username="clerk", email=True, sms=False)
    _setup(uow, ids, owner="clerk")
    _run(uow, DUE + timedelta(days=30))

    told = [m for m in messages(uow) if m.template == "task_assigned"]
    assert [(m.recipient, m.channel) for m in told] == [("clerk@example.com", "email")]
