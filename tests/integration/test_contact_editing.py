"""Contacts are editable and customer groups managed (issue 14 §8)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from engine.models.audit import AuditEntry
from engine.models.contacts import Contact, CustomerGroup
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.flows import field_errors


def _customer(api: Api, **extra: Any) -> dict[str, Any]:
    body = {"name": "شرکت آلفا", "kind": "customer", "credit_limit": "1000000", **extra}
    return api.ok("POST", "/api/v1/contacts", body, status=201)  # type: ignore[no-any-return]


def _audit(uow: UnitOfWork, action: str, entity_id: int) -> list[dict[str, Any]]:
    """Return the details of the audit rows of ``action`` on the entity."""
    with uow:
        stmt = select(AuditEntry.details).where(
            AuditEntry.action == action, AuditEntry.entity_id == str(entity_id)
        )
        return list(uow.session.scalars(stmt))


def _row(uow: UnitOfWork, contact_id: int) -> tuple[object, ...]:
    with uow:
        c = uow.contacts.get(contact_id)
        return (c.name, c.kind, c.email, c.credit_limit, c.payment_term_days, c.lock_version)


def test_a_patch_changes_only_the_fields_sent_and_is_audited(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    contact = _customer(api, email="a@example.com", payment_term_days=30)

    changed = api.ok(
        "PATCH",
        f"/api/v1/contacts/{contact['id']}",
        {"credit_limit": "2500000", "owner_id": ids["clerk"], "language": "ar"},
    )

    assert (changed["credit_limit"], changed["owner_id"], changed["language"]) == (
        "2500000",
        ids["clerk"],
        "ar",
    )
    assert (changed["email"], changed["payment_term_days"], changed["name"]) == (
        "a@example.com",
        30,
        "شرکت آلفا",
    )
    (details,) = _audit(uow, "contact.update", contact["id"])
    assert details["credit_limit"] == ["1000000", "2500000"]
    assert "email" not in details


@pytest.mark.parametrize("unlimited", ["", None])
def test_an_empty_credit_limit_means_unlimited(api: Api, unlimited: str | None) -> None:
    contact = _customer(api)

    changed = api.ok("PATCH", f"/api/v1/contacts/{contact['id']}", {"credit_limit": unlimited})

    assert changed["credit_limit"] is None


def test_an_empty_credit_limit_on_create_means_unlimited(api: Api) -> None:
    created = api.ok(
        "POST",
        "/api/v1/contacts",
        {"name": "بی‌حد", "kind": "customer", "credit_limit": ""},
        status=201,
    )
    assert created["credit_limit"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"credit_limit": "-1"}, "credit_limit"),
        ({"credit_limit": "abc"}, "credit_limit"),
        ({"kind": "friend"}, "kind"),
        ({"name": "  "}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"language": "de"}, "language"),
        ({"owner_id": 999999}, "owner_id"),
        ({"customer_group_id": 999999}, "customer_group_id"),
        ({"payment_term_days": -3}, "payment_term_days"),
        ({"payment_term_days": 10, "payment_term_months": 1}, "payment_term_months"),
        ({"customer_number": "X1"}, "customer_number"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    api: Api, uow: UnitOfWork, body: dict[str, Any], field: str
) -> None:
    contact = _customer(api)
    before = _row(uow, contact["id"])

    response = api.patch(f"/api/v1/contacts/{contact['id']}", {"credit_limit": "5", **body})

    assert response.status_code == 422, response.get_json()
    assert field in field_errors(response)
    assert _row(uow, contact["id"]) == before
    assert _audit(uow, "contact.update", contact["id"]) == []


def test_a_stale_lock_version_is_a_conflict(api: Api, uow: UnitOfWork) -> None:
    contact = _customer(api)
    api.ok("PATCH", f"/api/v1/contacts/{contact['id']}", {"name": "اول"})

    response = api.patch(
        f"/api/v1/contacts/{contact['id']}",
        {"name": "دوم", "lock_version": contact["lock_version"]},
    )

    assert response.status_code == 409
    assert _row(uow, contact["id"])[0] == "اول"


def test_editing_needs_the_manage_contacts_permission(api: Api, uow: UnitOfWork) -> None:
    contact = _customer(api)
    response = api.patch(f"/api/v1/contacts/{contact['id']}", {"name": "x"}, as_="approver")
    assert response.status_code == 403
    assert _row(uow, contact["id"])[0] == "شرکت آلفا"


def test_groups_are_created_renamed_and_filter_the_list(api: Api, uow: UnitOfWork) -> None:
    group = api.ok("POST", "/api/v1/customer-groups", {"name": "عمده‌فروش"}, status=201)
    member = _customer(api)
    _customer(api, name="غیرعضو")
    api.ok("PATCH", f"/api/v1/contacts/{member['id']}", {"customer_group_id": group["id"]})

    renamed = api.ok("PATCH", f"/api/v1/customer-groups/{group['id']}", {"name": "بنکدار"})
    listed = api.ok("GET", f"/api/v1/contacts?group_id={group['id']}")

    assert renamed == {"id": group["id"], "name": "بنکدار", "contacts": 1}
    assert [(c["id"], c["customer_group"]) for c in listed] == [(member["id"], "بنکدار")]
    assert {"id": group["id"], "name": "بنکدار", "contacts": 1} in api.ok(
        "GET", "/api/v1/customer-groups"
    )
    assert len(_audit(uow, "customer_group.rename", group["id"])) == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 121, "تکراری"])
def test_a_bad_group_name_is_refused_and_nothing_written(
    api: Api, uow: UnitOfWork, name: str
) -> None:
    api.ok("POST", "/api/v1/customer-groups", {"name": "تکراری"}, status=201)
    with uow:
        before = uow.session.scalar(select(func.count(CustomerGroup.id)))

    response = api.post("/api/v1/customer-groups", {"name": name})

    assert response.status_code == 422
    assert "name" in field_errors(response)
    with uow:
        assert uow.session.scalar(select(func.count(CustomerGroup.id))) == before


def test_removing_the_group_leaves_the_contact_in_none(api: Api, uow: UnitOfWork) -> None:
    contact = _customer(api, customer_group="خرده")
    changed = api.ok("PATCH", f"/api/v1/contacts/{contact['id']}", {"customer_group_id": None})
    assert changed["customer_group"] is None
    with uow:
        assert uow.session.get(Contact, contact["id"]).customer_group_id is None  # type: ignore[union-attr]
