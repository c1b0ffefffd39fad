"""Shared fixtures: settings on a temporary database, the fake Bot API, a running bot."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.app import BotApp, Core
from bot.config import Settings
from tests.fakes.sms import FakeMobizon
from tests.fakes.telegram import FakeBotAPI

SettingsFactory = Callable[..., Settings]
TEST_DATA_KEY = "q3V0ZXN0LWtleS1mb3ItdGhlLWJvdC1zLXRlc3RzLTE="  # a Fernet key for tests only
# `TEST_DATABASE=postgres` runs the tests on PostgreSQL (TEST_POSTGRES_URL) instead of SQLite:
# `make test-postgres` does, for the tests about storage (see the Makefile).
ON_POSTGRES = os.environ.get("TEST_DATABASE") == "postgres"


def pytest_runtest_setup(item: pytest.Item) -> None:
    if ON_POSTGRES and item.get_closest_marker("sqlite_only"):
        pytest.skip("about SQLite itself")


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh SQLite file, or with TEST_DATABASE=postgres the test database, emptied."""
    if not ON_POSTGRES:
        return f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    from tests.services import empty_postgres

    # In a thread of its own: this fixture runs outside the test's event loop and must not
    # touch it.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, empty_postgres()).result()


@pytest.fixture
def make_settings(database_url: str, tmp_path: Path) -> SettingsFactory:
    """Settings that ignore any developer's .env, on a fresh database, on a free port."""

    def factory(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "database_url": database_url,
            "http_port": 0,
            "telegram_bot_token": "",
            "call_centre_phone": "",
            # Tests press buttons faster than anyone could; flood control has its own test.
            "flood_messages_per_minute": 0,
            # Personal fields are encrypted in every test, as they should be in real use.
            "data_keys": TEST_DATA_KEY,
            # Voices made by a test stay in its own folder (README "Listening to screens").
            "speech_cache_dir": tmp_path / "voice",
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return factory


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def telegram_bot(
    bot_api: FakeBotAPI, make_settings: SettingsFactory
) -> AsyncIterator[BotApp]:
    """The whole bot, long polling the fake Bot API over loopback HTTP."""
    app = BotApp(make_settings(telegram_bot_token=bot_api.token,
                               telegram_api_base=bot_api.base_url))
    await app.start(polling_timeout=1)
    yield app
    await app.stop()


@pytest.fixture
async def local_chat(make_settings: SettingsFactory) -> AsyncIterator[BotApp]:
    app = BotApp(make_settings())  # no token: the local chat is served
    await app.start()
    yield app
    await app.stop()


@pytest.fixture
async def core(make_settings: SettingsFactory) -> AsyncIterator[Core]:
    """The conversation core alone, on a migrated database: for tests that need no channel."""
    built = await Core.build(make_settings(), migrate=True)
    yield built
    await built.close()


@pytest.fixture
async def telegram_bot_with_clock(
    bot_api: FakeBotAPI, make_settings: SettingsFactory, clock
) -> AsyncIterator[BotApp]:
    """The whole bot on the fake Bot API, on the test's clock, with its own reminder job off
    (the test runs the dispatcher itself)."""
    app = BotApp(make_settings(telegram_bot_token=bot_api.token,
                               telegram_api_base=bot_api.base_url, reminders_enabled=False),
                 clock=clock)
    await app.start(polling_timeout=1)
    yield app
    await app.stop()


@pytest.fixture
async def mobizon() -> AsyncIterator[FakeMobizon]:
    """The fake Mobizon SMS gateway on loopback (tests/fakes/sms.py)."""
    fake = FakeMobizon()
    await fake.start()
    yield fake
    await fake.stop()
