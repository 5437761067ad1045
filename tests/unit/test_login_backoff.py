"""Issue 10 #8 and #10, the pure parts: sign-in back-off, spreadsheet formulas, and the
``next`` check (E2, E7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.domain.logins import PER_CLIENT, PER_NAME_AND_CLIENT, client_key
from engine.domain.spreadsheets import neutralize_formula, restore_formula
from web.ui.pages import safe_next

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def test_back_off_starts_after_the_free_tries_and_doubles_up_to_a_cap() -> None:
    waits = [PER_NAME_AND_CLIENT.wait(n) for n in range(4, 12)]
    assert waits == [0, 30, 60, 120, 240, 480, 900, 900]
    assert PER_CLIENT.wait(19) == 0 and PER_CLIENT.wait(20) == 30
    assert PER_NAME_AND_CLIENT.wait(10**6) == 900


def test_retry_after_counts_from_the_last_failure() -> None:
    last = NOW - timedelta(seconds=10.5)
    assert PER_NAME_AND_CLIENT.retry_after(5, last, NOW) == 20
    assert PER_NAME_AND_CLIENT.retry_after(4, last, NOW) == 0
    assert PER_NAME_AND_CLIENT.retry_after(5, NOW - timedelta(seconds=31), NOW) == 0
    assert PER_NAME_AND_CLIENT.retry_after(0, None, NOW) == 0


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+98912", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_formula_text_gets_an_apostrophe_and_comes_back_on_import(text: str) -> None:
    neutral = neutralize_formula(text)
    assert neutral == "'" + text
    assert restore_formula(str(neutral)) == text


@pytest.mark.parametrize("value", ["Acme", "'quoted", "", 5, None])
def test_other_values_are_left_alone(value: object) -> None:
    assert neutralize_formula(value) == value
    if isinstance(value, str):
        assert restore_formula(value) == value


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "cartable",
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        " /x",
        "javascript:alert(1)",
    ],
)
def test_foreign_or_odd_next_falls_back(target: str | None) -> None:
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/cartable", "/documents/5?tab=history#x", "/reports?q=a%20b"])
def test_site_paths_pass(target: str) -> None:
    assert safe_next(target, "/home") == target


def test_clients_are_counted_by_address_and_ipv6_by_its_64_network() -> None:
    assert client_key("203.0.113.7") == "203.0.113.7"
    assert client_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9")
    assert client_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key(None) == "unknown" and client_key("x" * 100) == "x" * 64
