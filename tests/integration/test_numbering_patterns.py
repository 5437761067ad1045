"""A numbering-pattern change that could repeat a used number is refused at save
(issue 14 §8), and patterns keep to characters safe in a file name."""

from __future__ import annotations

import jdatetime
import pytest

from engine import clock
from tests.integration.conftest import Api
from tests.integration.flows import approve_and_number, field_errors, i7_invoice

TYPE = "/api/v1/document-types/sales_invoice"


def _jyear() -> int:
    return int(jdatetime.date.fromgregorian(date=clock.business_today()).year)


def test_a_pattern_that_would_give_a_used_number_again_is_refused(
    api: Api, ids: dict[str, int]
) -> None:
    first = approve_and_number(api, i7_invoice(api, ids)["id"])
    assert first["number"] == f"INV-{_jyear()}-00001"
    # The year typed as text: no year token, so a new counter (period "") from 1.
    response = api.patch(TYPE, {"numbering_pattern": f"INV-{_jyear()}-{{seq:05d}}"})

    assert response.status_code == 422
    assert first["number"] in " ".join(field_errors(response)["numbering_pattern"])
    assert api.ok("GET", TYPE)["numbering_pattern"] == "INV-{jyear}-{seq:05d}"


def test_a_pattern_that_cannot_repeat_is_taken_and_numbers_follow_it(
    api: Api, ids: dict[str, int]
) -> None:
    approve_and_number(api, i7_invoice(api, ids)["id"])
    api.ok("PATCH", TYPE, {"numbering_pattern": "S-{seq:05d}"})

    second = approve_and_number(api, i7_invoice(api, ids)["id"])

    assert second["number"] == "S-00001"


def test_going_back_to_a_pattern_continues_its_counter(api: Api, ids: dict[str, int]) -> None:
    approve_and_number(api, i7_invoice(api, ids)["id"])
    api.ok("PATCH", TYPE, {"numbering_pattern": "S-{seq:05d}"})
    api.ok("PATCH", TYPE, {"numbering_pattern": "INV-{jyear}-{seq:05d}"})

    again = approve_and_number(api, i7_invoice(api, ids)["id"])

    assert again["number"] == f"INV-{_jyear()}-00002"


@pytest.mark.parametrize("pattern", ["INV${seq}", "INV\\{seq}", "A/{seq}", "A:{seq}", "A\t{seq}"])
def test_unsafe_characters_are_refused(api: Api, pattern: str) -> None:
    response = api.patch(TYPE, {"numbering_pattern": pattern})

    assert response.status_code == 422
    assert "unsafe" in " ".join(field_errors(response)["numbering_pattern"])
    assert api.ok("GET", TYPE)["numbering_pattern"] == "INV-{jyear}-{seq:05d}"
