"""Mobile numbers and role codes as administrators type them (issue 12 §2)."""

from __future__ import annotations

import pytest

from engine.domain.errors import ValidationFailed
from engine.domain.permissions import (
    DEFAULT_ROLE_NAMES,
    DEFAULT_ROLES,
    check_permissions,
    check_role_code,
)
from engine.domain.phones import clean_mobile


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("09121234567", "09121234567"),
        ("۰۹۱۲ ۱۲۳ ۴۵۶۷", "09121234567"),  # Persian digits, spaces
        ("٠٩١٢-١٢٣-٤٥٦٧", "09121234567"),  # Arabic digits, dashes
        ("+98 (912) 123.4567", "+989121234567"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_a_mobile_is_stored_in_ascii_digits_without_separators(
    typed: str | None, stored: str | None
) -> None:
    assert clean_mobile(typed) == stored


@pytest.mark.parametrize("typed", ["123456", "0912abc4567", "++989121234567", "9" * 16, "0912+123"])
def test_a_bad_mobile_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        clean_mobile(typed)
    assert list(caught.value.fields) == ["mobile"]


@pytest.mark.parametrize("code", ["finance", "a", "level_2", "x" * 40])
def test_a_role_code_is_lowercase_ascii(code: str) -> None:
    assert check_role_code(code) == code


@pytest.mark.parametrize(
    "code", ["", "Finance", "2nd", "_x", "fi nance", "مالی", "x" * 41, "a-b", "finance\n"]
)
def test_a_bad_role_code_is_refused_naming_code(code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_role_code(code)
    assert list(caught.value.fields) == ["code"]


def test_every_default_role_has_a_valid_code_and_a_name() -> None:
    assert set(DEFAULT_ROLE_NAMES) == set(DEFAULT_ROLES)
    assert all(check_role_code(code) for code in DEFAULT_ROLES)


def test_unknown_permissions_are_named() -> None:
    assert check_permissions(["view_all", "approve", "approve"]) == ["approve", "view_all"]
    with pytest.raises(ValidationFailed) as caught:
        check_permissions(["approve", "fly"])
    assert caught.value.fields == {"permissions": ["unknown: fly"]}
