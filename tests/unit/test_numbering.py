"""Numbering patterns (SPEC T3.13, ARCHITECTURE §4)."""

from __future__ import annotations

from datetime import date

import pytest

from engine.domain.errors import ValidationFailed
from engine.domain.numbering import format_number, parse_number, period_key, validate_pattern

ISSUED = date(2026, 11, 23)  # 1405-09-02 in the Jalali calendar


def test_jalali_year_pattern_formats_the_architecture_example() -> None:
    """T3.13: `INV-{jyear}-{seq:05d}` on 2026-11-23 → INV-1405-00001."""
    number = format_number("INV-{jyear}-{seq:05d}", code="INV", seq=1, issued_on=ISSUED)
    assert number == "INV-1405-00001"


def test_all_tokens_render() -> None:
    pattern = "{code}/{year}{month}/{jyear}{jmonth}/{seq}"
    with pytest.raises(ValidationFailed):  # mixing calendars is refused
        validate_pattern(pattern)
    assert format_number("{code}-{year}{month}-{seq:03d}", code="SI", seq=7, issued_on=ISSUED) == (
        "SI-202611-007"
    )
    assert format_number("{code}-{jyear}{jmonth}-{seq}", code="SI", seq=7, issued_on=ISSUED) == (
        "SI-140509-7"
    )


def test_seq_wider_than_its_padding_is_not_truncated() -> None:
    assert format_number("{seq:03d}", code="X", seq=12345, issued_on=ISSUED) == "12345"


def test_doubled_braces_are_literal() -> None:
    assert format_number("{{{code}}}{seq}", code="Q", seq=2, issued_on=ISSUED) == "{Q}2"


def test_jalali_year_turns_at_nowruz() -> None:
    """T3.13: the Jalali year of 20 March 2026 is 1404, of 21 March 1405."""
    assert format_number("{jyear}-{seq}", code="X", seq=1, issued_on=date(2026, 3, 20)) == "1404-1"
    assert format_number("{jyear}-{seq}", code="X", seq=1, issued_on=date(2026, 3, 21)) == "1405-1"


@pytest.mark.parametrize("seq", [0, -1, True])
def test_format_number_refuses_a_non_positive_seq(seq: int) -> None:
    with pytest.raises(ValueError):
        format_number("{seq}", code="X", seq=seq, issued_on=ISSUED)


@pytest.mark.parametrize(
    ("pattern", "key"),
    [
        ("{code}-{seq}", ""),
        ("INV-{jyear}-{seq:05d}", "J1405"),
        ("INV-{year}-{seq:05d}", "G2026"),
        ("{jyear}{jmonth}{seq}", "J1405-09"),
        ("{year}-{month}-{seq}", "G2026-11"),
    ],
)
def test_period_key_follows_the_date_tokens(pattern: str, key: str) -> None:
    """ARCHITECTURE §4: one sequence per type and period; it restarts at 1 per key."""
    assert period_key(pattern, ISSUED) == key


def test_period_key_changes_with_the_jalali_year_not_the_gregorian_one() -> None:
    pattern = "INV-{jyear}-{seq}"
    assert period_key(pattern, date(2026, 1, 1)) == period_key(pattern, date(2026, 3, 20))
    assert period_key(pattern, date(2026, 3, 21)) == "J1405"


@pytest.mark.parametrize(
    "pattern",
    [
        "INV-{seq}",
        "{seq:d}",
        "{seq:05}",
        "{seq:020d}",
        "{code}{jyear}{jmonth}{seq:05d}",
        "x" * 59 + "{seq}",
    ],
)
def test_valid_patterns_pass(pattern: str) -> None:
    validate_pattern(pattern)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("INV-{jyear}", "must contain {seq}"),
        ("{foo}-{seq}", "unknown token {foo}"),
        ("{}-{seq}", "unknown token {}"),
        ("{seq.real}", "unknown token {seq.real}"),
        ("{seq", "unbalanced"),
        ("INV}-{seq}", "unbalanced"),
        ("{seq:5d}", "bad format"),
        ("{seq:x}", "bad format"),
        ("{seq:021d}", "bad format"),
        ("{seq:{code}}", "bad format"),
        ("{year:04d}{seq}", "only {seq} takes a format"),
        ("{seq!r}", "no !conversion"),
        ("{year}{jyear}{seq}", "must not mix"),
        ("{month}{seq}", "{month} needs {year}"),
        ("{jyear}{month}{seq}", "must not mix"),
        ("{jmonth}{seq}", "{jmonth} needs {jyear}"),
        ("x" * 60 + "{seq}", "at most 64 characters"),
        ("", "is required"),
    ],
)
def test_bad_patterns_are_rejected_with_a_reason(pattern: str, reason: str) -> None:
    """T3.13: a pattern is checked when an admin saves the type."""
    with pytest.raises(ValidationFailed) as exc:
        validate_pattern(pattern, field="numbering_pattern")
    assert reason in exc.value.fields["numbering_pattern"][0]


def test_validate_pattern_reports_the_given_field() -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_pattern("nope", field="types[2].numbering_pattern")
    assert list(exc.value.fields) == ["types[2].numbering_pattern"]


def test_format_number_rejects_a_bad_pattern() -> None:
    with pytest.raises(ValidationFailed):
        format_number("{code}", code="X", seq=1, issued_on=ISSUED)


@pytest.mark.parametrize("char", ["/", "\\", ":", "*", "?", '"', "<", ">", "|", "$", "\x07"])
def test_characters_unsafe_in_a_file_name_are_refused(char: str) -> None:
    """Issue 14 §8: a number names its printout's file."""
    with pytest.raises(ValidationFailed) as exc:
        validate_pattern(f"INV{char}{{seq:05d}}")
    assert "unsafe in a file name" in exc.value.fields["numbering_pattern"][0]


def test_a_number_is_read_back_into_its_period_and_counter() -> None:
    assert parse_number("INV-{jyear}-{seq:05d}", code="X", number="INV-1405-00012") == (
        "J1405",
        12,
    )
    assert parse_number("{code}{year}{month}-{seq}", code="SI", number="SI202612-7") == (
        "G2026-12",
        7,
    )
    assert parse_number("INV-1405-{seq:05d}", code="X", number="INV-1405-00012") == ("", 12)


def test_a_number_another_pattern_cannot_render_is_not_read() -> None:
    assert parse_number("INV-{seq:05d}", code="X", number="INV-1405-00012") is None
    assert parse_number("INV-{seq}", code="X", number="INV-007") is None  # no zero padding
