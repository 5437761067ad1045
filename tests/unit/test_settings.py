"""Every setting in engine.config.Settings; the zone and seller applied once (issue 11 §1)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from engine import clock, configure
from engine.config import Settings
from engine.domain.errors import ValidationFailed
from engine.printing import Seller

ENV = {"CARTABLE_SECRET_KEY": "k", "CARTABLE_DATA_DIR": "/tmp/cartable-settings-test"}


def test_defaults_of_the_server_zone_seller_and_beat() -> None:
    """issue 11 §1, §4: 2 workers x 4 threads, Asia/Tehran, seller Cartable, beat 10 s / 4."""
    settings = Settings.from_env(ENV)
    assert (settings.web_workers, settings.web_threads) == (2, 4)
    assert settings.timezone == "Asia/Tehran"
    assert settings.company_name == "Cartable" and settings.company_tax_id == ""
    assert (settings.outbox_sweep_seconds, settings.followup_shards) == (10.0, 4)


def test_every_new_variable_is_read() -> None:
    """issue 11 §1: CARTABLE_WEB_*, _TIMEZONE, _COMPANY_*, _OUTBOX_SWEEP_SECONDS, _SHARDS."""
    settings = Settings.from_env(
        {
            **ENV,
            "CARTABLE_WEB_WORKERS": "4",
            "CARTABLE_WEB_THREADS": "8",
            "CARTABLE_TIMEZONE": "Asia/Riyadh",
            "CARTABLE_COMPANY_NAME": "شرکت نمونه",
            "CARTABLE_COMPANY_ADDRESS": "Tehran",
            "CARTABLE_COMPANY_PHONE": "+98 21 1234",
            "CARTABLE_COMPANY_TAX_ID": "411",
            "CARTABLE_OUTBOX_SWEEP_SECONDS": "2.5",
            "CARTABLE_FOLLOWUP_SHARDS": "8",
        }
    )
    assert (settings.web_workers, settings.web_threads) == (4, 8)
    assert settings.timezone == "Asia/Riyadh"
    assert (settings.company_name, settings.company_address) == ("شرکت نمونه", "Tehran")
    assert (settings.company_phone, settings.company_tax_id) == ("+98 21 1234", "411")
    assert (settings.outbox_sweep_seconds, settings.followup_shards) == (2.5, 8)


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("CARTABLE_WEB_WORKERS", "0"),
        ("CARTABLE_WEB_WORKERS", "two"),
        ("CARTABLE_WEB_THREADS", "65"),
        ("CARTABLE_WEB_THREADS", "٤"),
        ("CARTABLE_FOLLOWUP_SHARDS", "-1"),
        ("CARTABLE_TIMEZONE", "Mars/Olympus"),
        ("CARTABLE_TIMEZONE", "../etc/passwd"),
        ("CARTABLE_OUTBOX_SWEEP_SECONDS", "0"),
        ("CARTABLE_OUTBOX_SWEEP_SECONDS", "soon"),
    ],
)
def test_a_bad_value_names_its_variable(name: str, bad: str) -> None:
    """issue 11 §1: a bad setting is refused with the variable's name, never a crash later."""
    with pytest.raises(ValidationFailed) as caught:
        Settings.from_env({**ENV, name: bad})
    assert list(caught.value.fields) == [name]


def test_without_dev_secret_no_key_file_is_made(tmp_path: Path) -> None:
    """issue 11 §1: the Celery app reads its options at import without writing a key."""
    settings = Settings.from_env({"CARTABLE_DATA_DIR": str(tmp_path)}, dev_secret=False)
    assert settings.secret_key == "" and not (tmp_path / "secret_key").exists()


def test_apply_sets_the_business_zone_and_the_seller(tmp_path: Path) -> None:
    """issue 11 §1: one call applies Settings.timezone to engine.clock (business_today,
    end of day) and Settings.company_* to the printed seller; the default comes back."""
    settings = Settings(
        data_dir=tmp_path,
        database_url="sqlite://",
        secret_key="k",
        timezone="America/New_York",
        company_name="Acme",
        company_tax_id="99",
    )
    try:
        configure.apply(settings)
        # 02:00 UTC on 2 Jan is still 1 Jan in New York (and already 2 Jan in Tehran).
        with time_machine.travel(datetime(2026, 1, 2, 2, 0, tzinfo=UTC), tick=False):
            assert clock.business_today() == date(2026, 1, 1)
        assert Seller.current() == Seller(name="Acme", tax_id="99")
    finally:
        configure.apply(Settings(data_dir=tmp_path, database_url="sqlite://", secret_key="k"))
    with time_machine.travel(datetime(2026, 1, 2, 2, 0, tzinfo=UTC), tick=False):
        assert clock.business_today() == date(2026, 1, 2)
    assert Seller.current() == Seller(name="Cartable")
