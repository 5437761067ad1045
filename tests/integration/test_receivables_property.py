"""Issue 14's "Done when": over random sequences of invoices, returns, payments,
allocations, cancellations and edits, at every step (one step a day):

- the contact's balance = Σ open amounts − unallocated credit;
- no open amount and no credit left is below 0;
- reports as of every earlier day are what they were on that day.

Invoices are made under no term, a term of instalments (30 % now, the balance in 3
days) or one with an early discount (2 % within 4 days, §4), and a payment may be
exactly what settles an invoice after its discount; then also (§3) no instalment's
open amount is below 0 and the instalments' open amounts add up to the invoice's.

Each example is a new customer on the same database (the reports are asked per
contact), so the test runs on SQLite and PostgreSQL in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from hypothesis import HealthCheck, given, settings, strategies as st

from engine.domain.errors import CartableError
from engine.domain.states import OPEN, POSTED
from engine.services.accounts._allocations import payment_left
from engine.services.accounts.allocations import NewAllocation, allocate_credit, undo_allocation
from engine.services.accounts.payments import Allocation, NewPayment, record_payment
from engine.services.documents.commands import (
    NewDocument,
    cancel_document,
    create_document,
    submit_document,
)
from engine.services.documents.content import Content, LineCommand
from engine.services.documents.editing import DocumentEdit, update_document
from engine.services.terms._schedule import amount_after_discount, installments
from engine.services.terms.records import create_term
from engine.services.unit_of_work import UnitOfWork
from tests.integration.postings import customer, on_day, walk_cartables

START = date(2027, 1, 1)
_names = count()

small = st.integers(min_value=1, max_value=5)
pick = st.integers(min_value=0, max_value=7)
TERMS = ("none", "split", "excluded", "mixed")
steps = st.lists(
    st.one_of(
        st.tuples(st.just("invoice"), small, st.sampled_from(TERMS)),
        st.tuples(st.just("settle"), pick),
        # an invoice under an early discount, paid at once what settles it after it
        st.tuples(st.just("discounted"), small, st.sampled_from(TERMS[2:])),
        st.tuples(st.just("return"), pick, small),
        st.tuples(st.just("pay"), st.integers(min_value=50, max_value=900), pick),
        st.tuples(st.just("allocate"), pick, pick, st.integers(min_value=1, max_value=120)),
        st.tuples(st.just("undo"), pick),
        st.tuples(st.just("cancel"), pick),
        st.tuples(st.just("edit"), pick, small),
    ),
    min_size=1,
    max_size=8,
)


@dataclass
class Book:
    contact: int
    invoices: list[int] = field(default_factory=list)
    payments: list[int] = field(default_factory=list)
    allocations: list[int] = field(default_factory=list)
    snapshots: dict[date, tuple[object, ...]] = field(default_factory=dict)
    terms: dict[str, int | None] = field(default_factory=dict)


def _terms(uow: UnitOfWork, ids: dict[str, int]) -> dict[str, int | None]:
    """Create the terms the examples invoice under (once per test)."""
    split = [{"value": "percent", "amount": "30"}, {"value": "balance", "days": 3}]
    out: dict[str, int | None] = {"none": None}
    for name, lines, early in (
        ("split", split, None),
        ("excluded", [{"value": "balance", "days": 6}], _early("excluded")),
        ("mixed", [{"value": "balance", "days": 6}], _early("mixed")),
    ):
        made = create_term(
            uow,
            name=f"خاصیت {name} {next(_names)}",
            lines=lines,
            early_discount=early,
            actor_id=ids["admin"],
        )
        out[name] = made.id
    return out


def _early(mode: str) -> dict[str, object]:
    return {"percent": "2", "days": 4, "tax_mode": mode}


def test_balances_reconcile_and_the_past_stays_put(uow: UnitOfWork, ids: dict[str, int]) -> None:
    terms = _terms(uow, ids)

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(steps)
    def run(plan: list[tuple[object, ...]]) -> None:
        book = Book(customer(uow, ids, f"مشتری {next(_names)}"), terms=terms)
        for day_no, step in enumerate(plan):
            day = START + timedelta(days=day_no)
            with on_day(day):
                _do(uow, ids, book, step)
                _check(uow, book, day)

    run()


def _do(uow: UnitOfWork, ids: dict[str, int], book: Book, step: tuple[object, ...]) -> None:
    kind, *args = step
    try:
        if kind == "invoice":
            term = book.terms[str(args[1])]
            book.invoices.append(_invoice(uow, ids, book.contact, int(str(args[0])), term))
        elif kind == "discounted":
            term = book.terms[str(args[1])]
            book.invoices.append(_invoice(uow, ids, book.contact, int(str(args[0])), term))
            _settle(uow, ids, book, book.invoices[-1])
        elif kind == "settle" and book.invoices:
            _settle(uow, ids, book, _nth(book.invoices, args[0]))
        elif kind == "return" and book.invoices:
            _return(uow, ids, book, _nth(book.invoices, args[0]), int(str(args[1])))
        elif kind == "pay":
            _pay(uow, ids, book, Decimal(str(args[0])), args[1])
        elif kind == "allocate" and book.payments and book.invoices:
            _allocate(
                uow,
                ids,
                book,
                _nth(book.payments, args[0]),
                _nth(book.invoices, args[1]),
                int(str(args[2])),
            )
        elif kind == "undo" and book.allocations:
            allocation_id = _nth(book.allocations, args[0])
            undo_allocation(uow, allocation_id=allocation_id, actor_id=ids["accountant"])
        elif kind == "cancel" and book.invoices:
            document_id = _nth(book.invoices, args[0])
            cancel_document(uow, document_id=document_id, actor_id=ids["admin"], reason="p")
        elif kind == "edit" and book.invoices:
            _edit(uow, ids, _nth(book.invoices, args[0]), int(str(args[1])))
    except CartableError:
        pass  # refused (more than is open, a paid invoice edited ...): the checks still hold


def _nth(items: list[int], index: object) -> int:
    return items[int(str(index)) % len(items)]


def _invoice(uow: UnitOfWork, ids: dict[str, int], contact: int, qty: int, term: int | None) -> int:
    line = LineCommand(ids["desk"], Decimal(qty), Decimal(100))  # qty × 109 with tax
    cmd = NewDocument("sales_invoice", contact, Content(lines=[line]), payment_term_id=term)
    doc_id = create_document(uow, cmd, actor_id=ids["clerk"])
    _walk(uow, ids, doc_id)
    return doc_id


def _settle(uow: UnitOfWork, ids: dict[str, int], book: Book, target: int) -> None:
    """Pay what settles the invoice after its early discount (or all that is open)."""
    with uow:
        doc = uow.documents.get(target)
        if doc.state not in OPEN:
            return
        amount = amount_after_discount(doc) or doc.total - doc.paid
    cmd = NewPayment(book.contact, amount, "bank", [Allocation(target, amount)])
    payment_id = record_payment(uow, cmd, actor_id=ids["accountant"])
    book.payments.append(payment_id)
    with uow:
        book.allocations += [a.id for a in uow.payments.get(payment_id).allocations]


def _return(uow: UnitOfWork, ids: dict[str, int], book: Book, invoice_id: int, qty: int) -> None:
    with uow:
        source_line = uow.documents.get(invoice_id).lines[0].id
    line = LineCommand(0, Decimal(qty), source_line_id=source_line)
    cmd = NewDocument("sales_return", book.contact, Content(lines=[line]), source_id=invoice_id)
    _walk(uow, ids, create_document(uow, cmd, actor_id=ids["clerk"]))


def _pay(uow: UnitOfWork, ids: dict[str, int], book: Book, amount: Decimal, to: object) -> None:
    allocations = []
    if book.invoices:
        target = _nth(book.invoices, to)
        with uow:
            doc = uow.documents.get(target)
            open_ = doc.total - doc.paid if doc.state in OPEN else Decimal(0)
        if open_ > 0:
            allocations.append(Allocation(target, min(open_, amount)))
    cmd = NewPayment(book.contact, amount, "bank", allocations)
    payment_id = record_payment(uow, cmd, actor_id=ids["accountant"])
    book.payments.append(payment_id)
    with uow:
        book.allocations += [a.id for a in uow.payments.get(payment_id).allocations]


def _allocate(
    uow: UnitOfWork, ids: dict[str, int], book: Book, payment_id: int, target: int, percent: int
) -> None:
    """Allocate ``percent`` of what may be (over 100: more than may be, which is refused)."""
    with uow:
        doc = uow.documents.get(target)
        may = min(payment_left(uow.payments.get(payment_id)), doc.total - doc.paid)
    amount = max(Decimal(1), (may * percent / 100).quantize(Decimal(1)))
    cmd = NewAllocation(document_id=target, amount=amount, payment_id=payment_id)
    book.allocations.append(allocate_credit(uow, cmd, actor_id=ids["accountant"]))


def _edit(uow: UnitOfWork, ids: dict[str, int], document_id: int, qty: int) -> None:
    line = LineCommand(ids["desk"], Decimal(qty), Decimal(100))
    edit = DocumentEdit(content=Content(lines=[line]))
    update_document(uow, document_id=document_id, edit=edit, actor_id=ids["admin"])
    _walk(uow, ids, document_id)


def _walk(uow: UnitOfWork, ids: dict[str, int], doc_id: int) -> None:
    with uow:
        state = uow.documents.get(doc_id).state
    if state == "draft":
        submit_document(uow, document_id=doc_id, actor_id=ids["clerk"])
    walk_cartables(uow, ids, doc_id)


def _check(uow: UnitOfWork, book: Book, today: date) -> None:
    with uow:
        balance = uow.ledger.balances([book.contact], None).get(book.contact, Decimal(0))
        docs = uow.documents.list(contact_id=book.contact, limit=500)
        payments = uow.payments.list(contact_id=book.contact, limit=500)
        for d in docs:
            assert d.total - d.paid >= 0, (d.id, d.state, d.total, d.paid)
            parts = [i.open_amount for i in installments(uow, d)]
            assert all(part >= 0 for part in parts), (d.id, parts)
            if parts and d.state in OPEN:
                assert sum(parts, Decimal(0)) == d.total - d.paid, (d.id, parts)
        for p in payments:
            assert payment_left(p) >= 0, p.id
        open_ = sum(
            (d.total - d.paid for d in docs if d.state in POSTED and d.type.source_kind is None),
            Decimal(0),
        )
        credit = sum((payment_left(p) for p in payments), Decimal(0)) + sum(
            (d.total - d.paid for d in docs if d.state in POSTED and d.type.source_kind),
            Decimal(0),
        )
        assert balance == open_ - credit, (balance, open_, credit)
        book.snapshots[today] = _as_of(uow, book.contact, today)
        assert book.snapshots[today][1] == open_
        assert book.snapshots[today][2] == credit
        for day, seen in book.snapshots.items():
            assert _as_of(uow, book.contact, day) == seen, day


def _as_of(uow: UnitOfWork, contact: int, day: date) -> tuple[object, ...]:
    """What the reports say of the contact as of ``day``: its open invoices, their sum,
    its unallocated credit, its ageing and its balance at the end of the day."""
    rows = uow.reports.open_invoices(as_of=day, limit=100, contact_ids=[contact]).rows
    ageing = uow.reports.ageing(as_of=day, contact_ids=[contact])
    credit = uow.reports.unallocated_credit(day, [contact]).get(contact, Decimal(0))
    balance = uow.ledger.balance_before(contact, day + timedelta(days=1), None)
    assert balance == sum((r.open for r in rows), Decimal(0)) - credit, day
    return (
        tuple((r.document_id, r.open, r.days_overdue) for r in rows),
        sum((r.open for r in rows), Decimal(0)),
        credit,
        tuple(sorted(ageing.buckets.items())),
        balance,
    )
