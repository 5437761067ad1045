"""The fake unit of work keeps the real one's promises, and holds no database."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from engine.models.contacts import Contact
from engine.services.unit_of_work import AbstractUnitOfWork
from tests.unit.fakes import FakeUnitOfWork, add_contact
from tests.unit.no_database import no_database  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("no_database")


def test_the_fake_shares_the_abstract_base_and_has_no_session() -> None:
    uow = FakeUnitOfWork()
    assert isinstance(uow, AbstractUnitOfWork)
    assert not hasattr(uow, "session")


def test_opening_a_session_fails_in_a_unit_test() -> None:
    with pytest.raises(AssertionError, match="database session"):
        Session()


def test_rows_added_in_a_block_that_does_not_commit_are_dropped() -> None:
    uow = FakeUnitOfWork()
    arranged = add_contact(uow)
    with uow:
        uow.contacts.add(Contact(name="Dropped", kind="customer"))
    with uow:
        kept = uow.contacts.add(Contact(name="Kept", kind="customer")).id
        uow.commit()
    assert sorted(uow.contacts.rows) == [arranged, kept]
    assert uow.committed and uow.commits == 1


def test_ids_are_given_on_add() -> None:
    uow = FakeUnitOfWork()
    first, second = add_contact(uow), add_contact(uow, name="Second")
    assert (first, second) == (1, 2)
