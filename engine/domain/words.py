"""Amounts written in words for printed invoices (I9): Persian and English.

Arabic number words agree in gender and case with the counted noun, which a generic
function cannot do well; Arabic documents print the figure only (None here).
"""

from __future__ import annotations

from decimal import Decimal

_FA_ONES = ("", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه")
_FA_TEENS = (
    "ده",
    "یازده",
    "دوازده",
    "سیزده",
    "چهارده",
    "پانزده",
    "شانزده",
    "هفده",
    "هجده",
    "نوزده",
)
_FA_TENS = ("", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود")
_FA_HUNDREDS = ("", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد")
_FA_SCALES = ("", "هزار", "میلیون", "میلیارد", "هزار میلیارد")

_EN_ONES = (
    "",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_SCALES = ("", "thousand", "million", "billion", "trillion")


def amount_in_words(amount: Decimal, language: str) -> str | None:
    """Return a whole, non-negative amount in words, or None (fractions, Arabic, too big)."""
    if amount != amount.to_integral_value() or amount < 0 or amount >= Decimal(10) ** 15:
        return None
    number = int(amount)
    if language == "fa":
        return _fa(number)
    if language == "en":
        return _en(number)
    return None


def _groups(number: int) -> list[int]:
    groups = []
    while number:
        number, rest = divmod(number, 1000)
        groups.append(rest)
    return groups


def _fa_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [_FA_HUNDREDS[hundreds]] if hundreds else []
    if 10 <= rest < 20:
        parts.append(_FA_TEENS[rest - 10])
    elif rest:
        tens, ones = divmod(rest, 10)
        parts += [w for w in (_FA_TENS[tens], _FA_ONES[ones]) if w]
    return " و ".join(parts)


def _fa(number: int) -> str:
    if number == 0:
        return "صفر"
    parts = []
    for scale, group in reversed(list(enumerate(_groups(number)))):
        if group:
            words = _fa_below_1000(group)
            parts.append(f"{words} {_FA_SCALES[scale]}".strip())
    return " و ".join(parts)


def _en_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [f"{_EN_ONES[hundreds]} hundred"] if hundreds else []
    if rest < 20 and rest:
        parts.append(_EN_ONES[rest])
    elif rest:
        tens, ones = divmod(rest, 10)
        parts.append(_EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else ""))
    return " ".join(parts)


def _en(number: int) -> str:
    if number == 0:
        return "zero"
    parts = []
    for scale, group in reversed(list(enumerate(_groups(number)))):
        if group:
            parts.append(f"{_en_below_1000(group)} {_EN_SCALES[scale]}".strip())
    return " ".join(parts)
