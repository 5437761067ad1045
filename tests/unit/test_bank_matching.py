"""Proposals of the invoice a bank line pays (SPEC F2, issue 14 §7): exact matches first
(number and amount agree), then partial candidates ranked by what agrees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from engine.domain.bank_matching import MatchKind, OpenItem, Sign, propose, text_tokens

SAMERI, OTHER = 1, 2
ITEMS = [
    OpenItem(11, "INV-1405-00011", SAMERI, Decimal(50000000), date(2026, 10, 1)),
    OpenItem(12, "INV-1405-00012", SAMERI, Decimal(98100000), date(2026, 11, 1)),
    OpenItem(13, "INV-1405-00013", OTHER, Decimal(98100000), date(2026, 9, 1)),
    OpenItem(112, "INV-1405-00112", OTHER, Decimal(7000), date(2026, 9, 1)),
]


def test_number_and_amount_make_an_exact_match_proposed_first() -> None:
    found = propose(Decimal(98100000), text_tokens("پرداخت فاکتور INV-1405-00012"), set(), ITEMS)

    assert [(p.document_id, p.kind) for p in found] == [
        (12, MatchKind.EXACT),
        (13, MatchKind.PARTIAL),  # the same amount, another number
    ]
    assert found[0].signs == (Sign.REFERENCE, Sign.AMOUNT)


def test_a_number_without_its_dashes_is_still_the_number() -> None:
    found = propose(Decimal(98100000), text_tokens("INV140500012"), set(), ITEMS)

    assert found[0].document_id == 12 and found[0].kind == MatchKind.EXACT


def test_one_number_is_not_read_inside_a_longer_one() -> None:
    found = propose(Decimal(1), text_tokens("INV-1405-00112"), set(), ITEMS)

    assert [p.document_id for p in found] == [112]  # not INV-1405-00011


def test_a_part_payment_of_a_named_invoice_is_a_partial_candidate() -> None:
    found = propose(Decimal(40000000), text_tokens("INV-1405-00012"), set(), ITEMS)

    assert [(p.document_id, p.kind, p.signs) for p in found] == [
        (12, MatchKind.PARTIAL, (Sign.REFERENCE, Sign.PART_AMOUNT))
    ]


def test_a_known_payer_ranks_its_invoices_of_the_same_amount_first() -> None:
    found = propose(Decimal(98100000), text_tokens("واریز"), {SAMERI}, ITEMS)

    assert [p.document_id for p in found][:2] == [12, 13]  # 13 is older but of another payer
    assert all(p.kind == MatchKind.PARTIAL for p in found)


def test_a_payer_known_to_be_someone_else_makes_no_exact_match() -> None:
    found = propose(Decimal(98100000), text_tokens("INV-1405-00012"), {OTHER}, ITEMS)

    assert found[0].document_id == 12 and found[0].kind == MatchKind.PARTIAL


def test_an_amount_smaller_than_every_invoice_alone_proposes_nothing() -> None:
    assert propose(Decimal(5000), text_tokens("بدون شرح"), set(), ITEMS) == []


def test_persian_digits_in_the_text_are_read() -> None:
    tokens = text_tokens("فاکتور INV-۱۴۰۵-۰۰۰۱۲")

    assert propose(Decimal(98100000), tokens, set(), ITEMS)[0].kind == MatchKind.EXACT
