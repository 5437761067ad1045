"""The credit exposure in one aggregate query gives the figures the document walk gave
(issue 14 §5, decisions §19): worked examples and random histories, on SQLite and
PostgreSQL. Contacts have no limit here, so nothing is refused on the way."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from hypothesis import HealthCheck, given, settings, strategies as st

from engine.domain.errors import CartableError
from engine.domain.exposure import CreditFigures
from engine.domain.steps import StepAction
from engine.services.accounts.payments import NewPayment, record_payment
from engine.services.documents.commands import (
    NewDocument,
    advance_document,
    create_document,
    submit_document,
)
from engine.services.documents.content import Content, LineCommand
from engine.services.unit_of_work import UnitOfWork
from tests.credit_walk import walk_figures
from tests.integration.postings import customer, walk_cartables

_names = count()


def _document(uow: UnitOfWork, ids: dict[str, int], kind: str, contact: int, qty: int) -> int:
    line = LineCommand(ids["desk"], Decimal(qty), Decimal(100))  # qty × 109 with tax
    doc_id = create_document(
        uow, NewDocument(kind, contact, Content(lines=[line])), actor_id=ids["clerk"]
    )
    submit_document(uow, document_id=doc_id, actor_id=ids["clerk"])
    return doc_id


def _order(uow: UnitOfWork, ids: dict[str, int], contact: int, qty: int) -> int:
    quote = _document(uow, ids, "sales_quote", contact, qty)
    advance_document(uow, document_id=quote, action=StepAction.CONFIRM, actor_id=ids["clerk"])
    return quote


def _deliver(uow: UnitOfWork, ids: dict[str, int], order: int) -> int:
    advance_document(uow, document_id=order, action=StepAction.DELIVER, actor_id=ids["admin"])
    with uow:
        return next(d.id for d in uow.documents.children(order))


def _both(uow: UnitOfWork, contact: int, leave_out: int | None) -> tuple[CreditFigures, ...]:
    with uow:
        source = uow.documents.get(leave_out).source_id if leave_out else None
        sql = uow.documents.credit_figures(contact, leave_out=leave_out, source_id=source)
        walked = walk_figures(
            uow.documents, uow.ledger, uow.contacts, contact, leave_out=leave_out, source_id=source
        )
        return sql, walked


def _agree(uow: UnitOfWork, contact: int) -> CreditFigures:
    with uow:
        documents = [d.id for d in uow.documents.list(contact_id=contact, limit=500)]
    for leave_out in [None, *documents]:
        sql, walked = _both(uow, contact, leave_out)
        assert sql == walked, (leave_out, sql, walked)
    return _both(uow, contact, None)[0]


def test_a_worked_exposure(uow: UnitOfWork, ids: dict[str, int]) -> None:
    """Posted 1,090; in approval 218; an order of 545 with nothing invoiced; an order of
    654 delivered, its invoice of 654 in approval; 300 paid on account:
    exposure = 1,090 − 300 + 218 + 545 + max(654 − 654, 0) + 654 = 2,207."""
    contact = customer(uow, ids, "مشتری نمونه اعتبار")
    posted = _document(uow, ids, "sales_invoice", contact, 10)
    walk_cartables(uow, ids, posted)
    _document(uow, ids, "sales_invoice", contact, 2)
    _order(uow, ids, contact, 5)
    made = _deliver(uow, ids, _order(uow, ids, contact, 6))
    record_payment(uow, NewPayment(contact, Decimal(300), "bank"), actor_id=ids["accountant"])

    figures = _agree(uow, contact)

    assert figures.exposure() == Decimal(2207)
    sql, _walked = _both(uow, contact, made)  # the invoice made from its order
    assert (sql.others, sql.source_order, sql.own_posted) == (Decimal(1553), Decimal(654), 0)


def test_a_posted_invoice_of_an_order_takes_it_out(uow: UnitOfWork, ids: dict[str, int]) -> None:
    contact = customer(uow, ids, "مشتری سفارش")
    made = _deliver(uow, ids, _order(uow, ids, contact, 4))
    walk_cartables(uow, ids, made)

    figures = _agree(uow, contact)

    assert figures.exposure() == Decimal(436)  # the invoice's ledger amount only


steps = st.lists(
    st.one_of(
        st.tuples(st.just("invoice"), st.integers(1, 5), st.booleans()),
        st.tuples(st.just("order"), st.integers(1, 5)),
        st.tuples(st.just("deliver"), st.integers(0, 7)),
        st.tuples(st.just("approve"), st.integers(0, 7)),
        st.tuples(st.just("pay"), st.integers(50, 900)),
    ),
    min_size=1,
    max_size=7,
)


def test_the_query_and_the_walk_agree_on_random_histories(
    uow: UnitOfWork, ids: dict[str, int]
) -> None:
    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(steps)
    def run(plan: list[tuple[object, ...]]) -> None:
        contact = customer(uow, ids, f"مشتری تصادفی {next(_names)}")
        orders: list[int] = []
        made: list[int] = []
        for kind, *args in plan:
            n = int(str(args[0]))
            try:
                if kind == "invoice":
                    doc = _document(uow, ids, "sales_invoice", contact, n)
                    if args[1]:
                        walk_cartables(uow, ids, doc)
                elif kind == "order":
                    orders.append(_order(uow, ids, contact, n))
                elif kind == "deliver" and orders:
                    made.append(_deliver(uow, ids, orders[n % len(orders)]))
                elif kind == "approve" and made:
                    walk_cartables(uow, ids, made[n % len(made)])
                elif kind == "pay":
                    cmd = NewPayment(contact, Decimal(n), "bank")
                    record_payment(uow, cmd, actor_id=ids["accountant"])
            except CartableError:
                pass  # an order delivered twice: refused, the figures still agree
            _agree(uow, contact)

    run()
