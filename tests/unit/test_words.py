"""Amounts in words on printed invoices (I9)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.domain.words import amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("98100000", "نود و هشت میلیون و صد هزار"),
        ("0", "صفر"),
        ("1001", "یک هزار و یک"),
        ("215", "دویست و پانزده"),
        ("1250000000", "یک میلیارد و دویست و پنجاه میلیون"),
    ],
)
def test_persian_words(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount), "fa") == words


def test_english_words() -> None:
    assert amount_in_words(Decimal("98100000"), "en") == "ninety-eight million one hundred thousand"


def test_fractions_and_arabic_print_no_words() -> None:
    assert amount_in_words(Decimal("10.5"), "fa") is None
    assert amount_in_words(Decimal("10"), "ar") is None
