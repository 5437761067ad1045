"""Demo data for `make run`: users, contacts and products from the seed examples (I7)."""

from __future__ import annotations

from decimal import Decimal

from engine.services.contacts.records import NewContact, NewProduct, create_contact, create_product
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user

# Demo logins only: password = user name. Created by this loader, never by migrations.
DEMO_USERS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("admin", ("admin",), "مدیر سامانه"),
    ("approver", ("approver",), "تأییدکننده"),
    ("numberer", ("numberer",), "شماره‌گذار"),
    ("clerk", ("clerk",), "کارشناس فروش"),
    ("accountant", ("accountant",), "حسابدار"),
)


def load_demo(uow: UnitOfWork) -> bool:
    """Load the demo data once; return False when it is already there."""
    with uow:
        if uow.users.by_username("admin") is not None:
            return False
    for username, roles, full_name in DEMO_USERS:
        create_user(
            uow,
            username=username,
            password=username,
            roles=roles,
            full_name=full_name,
            email=f"{username}@cartable.example",
        )
    with uow:
        admin = uow.users.by_username("admin")
        assert admin is not None
        admin_id = admin.id
    create_contact(
        uow,
        NewContact(
            name="علیرضا سامری",
            kind="customer",
            mobile="+989121234567",
            email="sameri@example.com",
            language="fa",
            payment_term_days=30,
            credit_limit=Decimal("500000000"),
            customer_group="مشتریان عمده",
        ),
        actor_id=admin_id,
    )
    create_contact(
        uow,
        NewContact(
            name="شركة النور للتجارة",
            kind="both",
            language="ar",
            email="info@alnoor.example",
            payment_term_months=1,
        ),
        actor_id=admin_id,
    )
    create_contact(
        uow,
        NewContact(
            name="Acme Supplies", kind="supplier", language="en", email="sales@acme.example"
        ),
        actor_id=admin_id,
    )
    for product in DEMO_PRODUCTS:
        create_product(uow, product, actor_id=admin_id)
    return True


# SPEC I7's desk, a chair and an installation service (the walkthrough prices them).
DEMO_PRODUCTS = (
    NewProduct(
        name="میز قابل تنظیم",
        code="DESK-ADJ",
        unit="عدد",
        unit_price=Decimal("90000000"),
        on_hand=Decimal(20),
    ),
    NewProduct(
        name="صندلی ارگونومیک",
        code="CHAIR-ERG",
        unit="عدد",
        unit_price=Decimal("35000000"),
        on_hand=Decimal(40),
    ),
    NewProduct(
        name="نصب و راه‌اندازی",
        code="SVC-INSTALL",
        unit="ساعت",
        unit_price=Decimal("2500000"),
        is_service=True,
    ),
)
