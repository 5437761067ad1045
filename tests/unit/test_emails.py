"""The simple email check users' addresses pass (SPEC E2)."""

from __future__ import annotations

import pytest

from engine.domain.emails import clean_email
from engine.domain.errors import ValidationFailed


def test_an_address_is_stripped_and_an_empty_one_is_none() -> None:
    assert clean_email("  sara@example.com ") == "sara@example.com"
    assert clean_email("") is None and clean_email("   ") is None and clean_email(None) is None


@pytest.mark.parametrize(
    "text",
    [
        "sara",
        "sara@example",
        "sara@@example.com",
        "sa ra@example.com",
        "@example.com",
        "a@b.c" + "c" * 250,
    ],
)
def test_a_bad_address_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        clean_email(text)
    assert list(caught.value.fields) == ["email"]
