"""Anything unexpected gets a kind answer and a way on: never silence, never a traceback."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

import pytest
from aiohttp import ClientSession

from bot.app import BotApp
from bot.config import TelegramMode
from tests import screens as S
from tests.fakes.telegram import Citizen, FakeBotAPI, Fault, agreed_citizen
from tests.test_telegram_e2e import onboard


@pytest.mark.parametrize("data", ["go:nowhere", "lang:de", "consent:maybe", "page:x",
                                  "zzz", "go:topic:no.such", "data:everything"])
async def test_stale_or_forged_buttons_lead_back_to_the_menu(
    bot_api: FakeBotAPI, telegram_bot: BotApp, data: str
) -> None:
    citizen = Citizen(bot_api, 2001)
    await onboard(citizen)
    shown = await citizen.press_data(data)
    assert shown.text in (f"{S.STALE['ru']}\n\n{S.MENU['ru']}", S.MENU["ru"])
    assert shown.labels == S.MENU_BUTTONS["ru"]


async def test_a_button_from_before_onboarding_cannot_skip_consent(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 2002)
    await citizen.say("/start")
    await citizen.press("Русский")
    shown = await citizen.press_data("go:mydata")  # forged: jump past the notice
    assert shown.text.startswith(S.CONSENT_START["ru"])


@pytest.mark.parametrize(("content", "notice"), [
    ({"sticker": {"file_id": "s1", "file_unique_id": "s", "type": "regular", "width": 512,
                  "height": 512, "is_animated": False, "is_video": False}}, S.MEDIA),
    ({"voice": {"file_id": "v1", "file_unique_id": "v", "duration": 3}}, S.VOICE),
    ({"video_note": {"file_id": "n1", "file_unique_id": "n", "length": 240, "duration": 3}},
     S.VOICE),
    ({"photo": [{"file_id": "p1", "file_unique_id": "p", "width": 90, "height": 90}],
      "caption": "вот фото решения"}, S.FILES),
    ({"document": {"file_id": "d1", "file_unique_id": "d", "file_name": "иск.pdf"}}, S.FILES),
    ({"location": {"latitude": 51.1, "longitude": 71.4}}, S.MEDIA),
    ({"contact": {"phone_number": "+77010000000", "first_name": "A"}}, S.MEDIA),
])
async def test_unsupported_messages_get_a_kind_answer_and_the_screen(
    bot_api: FakeBotAPI, telegram_bot: BotApp, content: dict, notice: dict[str, str]
) -> None:
    citizen = Citizen(bot_api, 2003)
    await onboard(citizen)
    await citizen.press("💻 Онлайн-услуги суда")
    shown = await citizen.send(**content)
    assert shown.text == f"{notice['ru']}\n\n{S.GUIDES['ru']}"  # kept where they were
    assert shown.labels[-4:] == S.NAV["ru"]


@pytest.mark.parametrize("text", [
    "x" * 5000,
    "ᚠ𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ‮ reversed \u200b\u0000 🤷🏽‍♀️" * 40,
    "<b>not html</b> & {curly} %s",
    "/",
    "/unknowncommand with words",
])
async def test_long_or_strange_text_is_answered(
    bot_api: FakeBotAPI, telegram_bot: BotApp, text: str
) -> None:
    citizen = Citizen(bot_api, 2004)
    await onboard(citizen)
    shown = await citizen.say(text)
    # Not understood: either "I didn't understand" on the menu, or a few topics to choose from.
    assert shown.text in (f"{S.TEXT['ru']}\n\n{S.MENU['ru']}", S.MENU["ru"], S.SUGGEST["ru"])
    if shown.text != S.SUGGEST["ru"]:
        assert shown.labels == S.MENU_BUTTONS["ru"]
    assert shown.labels[-4:] == S.NAV["ru"] or shown.labels == S.MENU_BUTTONS["ru"]
    assert text not in shown.text  # never echoed back


async def test_an_edited_message_is_acknowledged(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 2005)
    await onboard(citizen)
    shown = await citizen.edit(1, "/start исправлено")
    assert shown.text.startswith("Вижу, вы изменили сообщение.")
    assert shown.text.endswith(S.MENU["ru"])


def hold_write_lock(database: str, seconds: float, locked: threading.Event,
                    release: threading.Event | None = None) -> None:
    """Another process-like writer keeps SQLite's write lock for a while: `seconds`, or, with
    `release`, until the test sets it (at most `seconds`), so a slow machine cannot let the
    lock go before the bot has met it."""
    # Patient: on a busy machine the bot's own writes (the start-up clean-up, a consent) may
    # hold the lock for a moment; a holder that gave up would let the test pass unlocked.
    connection = sqlite3.connect(database, isolation_level=None, timeout=60)
    connection.execute("BEGIN EXCLUSIVE")
    locked.set()
    if release is None:
        time.sleep(seconds)
    else:
        release.wait(seconds)
    connection.execute("COMMIT")
    connection.close()


async def test_a_briefly_locked_database_only_delays_the_answer(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 2006)
    await onboard(citizen)
    locked = threading.Event()
    holder = threading.Thread(target=hold_write_lock,
                              args=(telegram_bot.core.engine.url.database, 1.0, locked))
    holder.start()
    assert await asyncio.to_thread(locked.wait, 60), "the test never got the write lock"
    shown = await citizen.press("💻 Онлайн-услуги суда")  # waits within the busy timeout
    holder.join()
    assert shown.text == S.GUIDES["ru"]
    assert (await citizen.press("◀ Назад")).text == S.MENU["ru"]


@pytest.mark.sqlite_only  # SQLite's write lock
async def test_a_database_locked_too_long_gets_try_again_and_recovers(
    bot_api: FakeBotAPI, make_settings
) -> None:
    app = BotApp(make_settings(telegram_bot_token=bot_api.token,
                               telegram_api_base=bot_api.base_url,
                               database_busy_timeout_ms=200))
    await app.start(polling_timeout=1)
    try:
        citizen = Citizen(bot_api, 2007)
        await onboard(citizen)
        locked, release = threading.Event(), threading.Event()
        holder = threading.Thread(target=hold_write_lock,
                                  args=(app.core.engine.url.database, 30, locked, release))
        holder.start()
        assert await asyncio.to_thread(locked.wait, 60), "the test never got the write lock"
        try:
            shown = await citizen.press("💻 Онлайн-услуги суда")
        finally:
            release.set()
        assert shown.text == f"{S.BUSY['ru']}\n\n{S.MENU['ru']}"
        assert shown.labels == S.MENU_BUTTONS["ru"]
        await asyncio.to_thread(holder.join)
        shown = await citizen.press("💻 Онлайн-услуги суда")  # the lock is gone: all is well
        assert shown.text == S.GUIDES["ru"]
    finally:
        await app.stop()


async def test_a_failing_feature_answers_kindly(
    bot_api: FakeBotAPI, telegram_bot: BotApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen = Citizen(bot_api, 2008)
    await onboard(citizen)
    registry = telegram_bot.core.conversation.registry

    async def broken(_ctx, _argument: str) -> None:
        raise RuntimeError("a bug in a feature")

    monkeypatch.setitem(registry.actions, "go", broken)
    shown = await citizen.press("💻 Онлайн-услуги суда")
    assert shown.text == (
        "Извините, у нас что-то пошло не так. Попробуйте ещё раз через минуту.\n\n" + S.MENU["ru"]
    )


async def test_webhook_mode_refuses_a_wrong_secret_and_handles_a_replay_once(
    bot_api: FakeBotAPI, make_settings
) -> None:
    app = BotApp(make_settings(
        telegram_bot_token=bot_api.token, telegram_api_base=bot_api.base_url,
        telegram_mode=TelegramMode.webhook,
        telegram_webhook_url="https://bot.example.kz/telegram/webhook",
        telegram_webhook_secret="s3cret-token",
    ))
    await app.start()
    try:
        (registered,) = bot_api.sent("setWebhook")
        assert registered["url"] == "https://bot.example.kz/telegram/webhook"
        assert registered["secret_token"] == "s3cret-token"
        update = {"update_id": 1, "message": {
            "message_id": 1, "date": int(time.time()), "text": "/start",
            "chat": {"id": 2009, "type": "private"},
            "from": {"id": 2009, "is_bot": False, "first_name": "A", "language_code": "kk"}}}
        url = f"{app.http_url}/telegram/webhook"
        async with ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 401
            assert bot_api.outputs(2009) == 0
            right = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            async with http.post(url, json=update, headers=right) as response:
                assert response.status == 200
            await bot_api.wait_outputs(2009, 1)
            for _ in range(3):  # Telegram resends what it thinks was not taken: once is enough
                async with http.post(url, json=update, headers=right) as response:
                    assert response.status == 200
        await asyncio.sleep(0.5)
        assert bot_api.outputs(2009) == 1
        assert bot_api.latest(2009).text == S.LANGUAGE_PROMPT_KK_FIRST
    finally:
        await app.stop()


async def test_a_flood_is_slowed_politely_and_slows_nobody_else(
    bot_api: FakeBotAPI, make_settings
) -> None:
    """Someone sends 60 messages at once: they get the first 10 answered, one "slow down", and
    then silence; someone else writing at the same moment is answered as usual."""
    app = BotApp(make_settings(telegram_bot_token=bot_api.token,
                               telegram_api_base=bot_api.base_url,
                               flood_messages_per_minute=10))
    await app.start(polling_timeout=1)
    try:
        flooder, other = Citizen(bot_api, 990), Citizen(bot_api, 991)
        for _ in range(60):
            await bot_api.push({"message": flooder._message(text="спам")})
        answer = await other.say("/start")
        assert answer.text.startswith(S.LANGUAGE_PROMPT_RU_FIRST)
        await bot_api.wait_outputs(990, 11)
        await asyncio.sleep(1.0)  # anything more would have come by now
        texts = [shown.text for shown in bot_api.messages(990)]
        assert len(texts) == 11
        assert sum("очень быстро" in text for text in texts) == 1  # the "slow down", once
    finally:
        await app.stop()


async def test_metrics_count_events_and_waiting_people_without_naming_anyone(
    telegram_bot: BotApp, bot_api: FakeBotAPI
) -> None:
    citizen = await agreed_citizen(bot_api, 2101)
    await citizen.press_data("go:human_chat")
    await citizen.say("Нужен оператор по делу 2-4321/2026")
    async with ClientSession() as http, http.get(f"{telegram_bot.http_url}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        body = await response.text()
    assert 'bot_events_total{channel="telegram",kind="command"} 1.0' in body
    assert 'bot_events_total{channel="telegram",kind="choice"} 3.0' in body
    assert 'bot_events_total{channel="telegram",kind="text"} 1.0' in body
    assert "bot_handoffs_waiting 1.0" in body  # the first text joined the queue
    assert 'bot_answer_seconds_count{channel="telegram"} 5.0' in body
    for private in ("2101", "2-4321/2026", "оператор"):
        assert private not in body


async def test_an_answer_survives_telegram_errors_on_the_way_out(
    telegram_bot: BotApp, bot_api: FakeBotAPI
) -> None:
    """Telegram answers 502, then 429 with a wait, then takes the message: the person still
    gets their answer, once."""
    bot_api.faults += [Fault("sendMessage", 502, chat_id=2201),
                       Fault("sendMessage", 429, retry_after=1, chat_id=2201)]
    citizen = Citizen(bot_api, 2201)
    answer = await citizen.say("/start")
    assert answer.text.startswith(S.LANGUAGE_PROMPT_RU_FIRST)
    await asyncio.sleep(0.5)
    assert bot_api.outputs(2201) == 1
    assert all(fault.count == 0 for fault in bot_api.faults)
