"""Configuration errors stop the bot at start and name the variable to fix."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, LocalChatMode, load_settings


def settings(monkeypatch: pytest.MonkeyPatch, **env: str):
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_MODE", "DATABASE_URL", "LOCAL_CHAT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir("/")  # no developer .env
    return load_settings()


def test_defaults_run_the_local_chat_on_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = settings(monkeypatch)
    assert loaded.database_url.startswith("sqlite+aiosqlite:///")
    assert (loaded.http_host, loaded.http_port) == ("127.0.0.1", 8080)
    assert loaded.serves_local_chat and not loaded.telegram_enabled


def test_a_token_turns_telegram_on_and_the_local_chat_off(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = settings(monkeypatch, TELEGRAM_BOT_TOKEN="1:abc",
                      TELEGRAM_API_BASE="http://127.0.0.1:8081/")
    assert loaded.telegram_enabled and not loaded.serves_local_chat
    assert loaded.telegram_api_base == "http://127.0.0.1:8081"
    assert settings(monkeypatch, TELEGRAM_BOT_TOKEN="1:abc", LOCAL_CHAT="on").local_chat is (
        LocalChatMode.on)


def test_webhook_mode_without_url_and_secret_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ConfigError) as error:
        settings(monkeypatch, TELEGRAM_BOT_TOKEN="1:abc", TELEGRAM_MODE="webhook")
    assert "TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET" in str(error.value)


@pytest.mark.parametrize(("name", "value"), [
    ("TELEGRAM_MODE", "carrier-pigeon"),
    ("HTTP_PORT", "99999"),
    ("LOG_LEVEL", "LOUD"),
    ("DATABASE_URL", "mysql://x"),
    ("TELEGRAM_API_BASE", "api.telegram.org"),
])
def test_bad_values_name_their_variable(monkeypatch: pytest.MonkeyPatch, name: str,
                                        value: str) -> None:
    with pytest.raises(ConfigError) as error:
        settings(monkeypatch, **{name: value})
    assert name in str(error.value)


def test_plain_database_urls_get_the_async_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch, DATABASE_URL="postgresql://bot@db/bot").database_url == (
        "postgresql+asyncpg://bot@db/bot")
    assert settings(monkeypatch, DATABASE_URL="sqlite:////tmp/x.db").database_url == (
        "sqlite+aiosqlite:////tmp/x.db")
