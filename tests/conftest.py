"""Shared fixtures: settings on a temporary database, the fake Bot API, a running bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.app import BotApp, Core
from bot.config import Settings
from tests.fakes.telegram import FakeBotAPI

SettingsFactory = Callable[..., Settings]
TEST_DATA_KEY = "q3V0ZXN0LWtleS1mb3ItdGhlLWJvdC1zLXRlc3RzLTE="  # a Fernet key for tests only


@pytest.fixture
def make_settings(tmp_path: Path) -> SettingsFactory:
    """Settings that ignore any developer's .env, on a fresh SQLite file, on a free port."""

    def factory(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
            "http_port": 0,
            "telegram_bot_token": "",
            "call_centre_phone": "",
            # Tests press buttons faster than anyone could; flood control has its own test.
            "flood_messages_per_minute": 0,
            # Personal fields are encrypted in every test, as they should be in real use.
            "data_keys": TEST_DATA_KEY,
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
