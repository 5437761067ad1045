"""Pytest fixtures for the fake providers; import them into a test module to use them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.sendgrid import FakeSendGrid
from tests.fakes.smtp import FakeSmtp
from tests.fakes.twilio import FakeTwilio


@pytest.fixture
def fake_sendgrid() -> Iterator[FakeSendGrid]:
    fake = FakeSendGrid().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_smtp() -> Iterator[FakeSmtp]:
    fake = FakeSmtp().start()
    yield fake
    fake.stop()
