"""The console in a real browser (Debian's Chromium, driven by Playwright), with citizens on
Telegram played through the fake Bot API: an operator signs in, sees a request appear without
reloading, takes it, replies, sees the citizen's answer appear, and closes; enrols a caller who
then opens the code in Telegram; a forged form is refused; wrong passwords are throttled.

With SCREENSHOTS_DIR set, the pages are saved there (the README's pictures come from here).
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import BotApp
from bot.storage.models import Hearing, Reminder
from tests.browser import chromium, needs_browser
from tests.fakes.telegram import Citizen, FakeBotAPI, agreed_citizen
from tests.staff_helpers import PASSWORD, add_staff, handoffs

WAIT_MS = 10_000


@pytest.fixture
async def console_bot(bot_api: FakeBotAPI, make_settings) -> AsyncIterator[BotApp]:
    app = BotApp(make_settings(telegram_bot_token=bot_api.token,
                               telegram_api_base=bot_api.base_url, handoff_hours="always",
                               reminders_enabled=False, telegram_bot_username="sud_help_bot",
                               staff_login_attempts=3))
    await app.start(polling_timeout=1)
    await add_staff(app)
    yield app
    await app.stop()


async def snapshot(page, tmp_path: Path, name: str) -> None:
    await page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    if folder := os.environ.get("SCREENSHOTS_DIR"):
        await page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


async def sign_in(page, app: BotApp, password: str = PASSWORD) -> None:
    await page.goto(app.http_url + "/staff/")  # the gate sends us to the login page
    await page.fill("input[name=username]", "aigerim")
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")


@needs_browser
async def test_an_operator_takes_a_telegram_request_replies_and_closes(
    console_bot: BotApp, bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    async with chromium() as browser:
        page = await browser.new_page(locale="ru-RU", viewport={"width": 1280, "height": 860})
        await sign_in(page, console_bot)
        await page.get_by_role("heading", name="Ожидают оператора").wait_for()
        await page.get_by_text("В очереди никого нет.").wait_for()

        # A citizen on Telegram answers a question of the divorce pathway, then asks for a
        # person; the open queue page shows the request without being reloaded.
        citizen = await agreed_citizen(bot_api, 801)
        await citizen.press_data("start:family.divorce")
        await citizen.press_data("ans:family.divorce/agree/yes")
        await citizen.press_data("ans:family.divorce/children/no")
        await citizen.press_data("go:human")
        await citizen.press("💬 Написать оператору")
        waiting = await citizen.press("✅ Встать в очередь")
        assert "Ваш номер в очереди: 1." in waiting.text
        await citizen.say("Как подать на развод онлайн?")
        row = page.locator("table.queue tr.status-waiting")
        await row.wait_for(timeout=WAIT_MS)
        assert "telegram" in await row.inner_text()
        await snapshot(page, tmp_path, "staff-queue")

        await row.get_by_role("link").click()
        await page.get_by_text("Как подать на развод онлайн?").wait_for()
        about = await page.locator("section.about").inner_text()
        assert "Русский" in about and "Развод" in about and "Дети до 18 лет" in about
        await page.get_by_role("button", name="Взять обращение").click()
        await page.get_by_label("Ваш ответ").wait_for()
        assert "Айгерим" in (await bot_api.wait_for_text(801, "Айгерим")).text

        await page.get_by_label("Ваш ответ").fill("Здравствуйте! Это можно сделать в "
                                                  "Судебном кабинете.")
        await page.get_by_role("button", name="Отправить").click()
        reply = await bot_api.wait_for_text(801, "Судебном кабинете")
        assert reply.labels[0] == "❌ Завершить чат"

        await citizen.say("Спасибо, а госпошлина какая?")  # appears live in the open chat
        await page.locator(".thread .from-citizen", has_text="госпошлина").wait_for(
            timeout=WAIT_MS)
        await snapshot(page, tmp_path, "staff-chat")

        await page.get_by_role("button", name="Закрыть и вернуть в бот").click()
        closing = await bot_api.wait_for_text(801, "Оператор завершил чат")
        await citizen.press("👍 Да, помогло", on=closing)
        (handoff,) = await handoffs(console_bot)
        assert handoff.status == "closed" and handoff.rating == "up"

        await page.goto(console_bot.http_url + "/staff/dashboard")
        assert await page.locator("svg.chart").count() >= 3
        assert await page.locator("#handoffs-answered").inner_text() == "1"
        await snapshot(page, tmp_path, "staff-dashboard")


@needs_browser
async def test_an_operator_enrols_a_caller_who_opens_the_code_in_telegram(
    console_bot: BotApp, bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    day = (console_bot.core.conversation.services.clock.now() + timedelta(days=30)).date()
    async with chromium() as browser:
        page = await browser.new_page(locale="ru-RU", viewport={"width": 1280, "height": 860})
        await sign_in(page, console_bot)
        await page.get_by_role("link", name="Записать гражданина").click()
        await page.get_by_label("Номер дела").fill("2-555/2026")
        await page.get_by_label("Дата").fill(day.isoformat())
        await page.get_by_label("Время (время Казахстана)").fill("10:30")
        await page.locator("select[name=court_id]").select_option("astana-civil")
        await page.get_by_label("Зал").fill("7")
        await page.get_by_role("button", name="Создать код").click()
        code = (await page.locator("#enrol-code").inner_text()).replace("-", "")
        link = await page.locator("a.enrol-link").get_attribute("href")
        assert link == f"https://t.me/sud_help_bot?start=enrol-{code}"
        await snapshot(page, tmp_path, "staff-enrol")

    citizen = Citizen(bot_api, 802, "ru")
    await citizen.say(f"/start enrol-{code}")  # what the link does in Telegram
    await citizen.press("Русский")
    async with console_bot.core.sessions() as session:
        assert (await session.scalars(select(Hearing))).all() == []  # nothing before consent
    shown = await citizen.press("✅ Принимаю")
    assert "2-555/2026" in shown.text and "Зал: 7" in shown.text
    await citizen.press("✅ Да, напомните")
    async with console_bot.core.sessions() as session:
        (hearing,) = (await session.scalars(select(Hearing))).all()
        reminders = (await session.scalars(select(Reminder))).all()
    assert hearing.case_number == "2-555/2026"
    assert {reminder.kind for reminder in reminders} == {"7d", "1d", "2h"}
    again = await (await agreed_citizen(bot_api, 803)).say(code)  # a second use
    assert "уже использован" in again.text


@needs_browser
async def test_a_forged_form_is_refused_and_wrong_passwords_are_throttled(
    console_bot: BotApp, bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    citizen = await agreed_citizen(bot_api, 804)
    await citizen.press_data("go:human_chat")
    await citizen.press_data("hand:ask")
    async with chromium() as browser:
        page = await browser.new_page(locale="ru-RU")
        await sign_in(page, console_bot)
        await page.get_by_role("heading", name="Ожидают оператора").wait_for()
        # A form like the console's, but without the CSRF token (as a forged page would send).
        await page.evaluate("""() => {
            const form = document.createElement("form");
            form.method = "post"; form.action = "/staff/handoffs/1/take";
            document.body.appendChild(form); form.submit(); }""")
        await page.get_by_text("CSRF").wait_for()
        assert (await handoffs(console_bot))[0].status == "waiting"

        other = await browser.new_page(locale="ru-RU")
        for _ in range(3):
            await sign_in(other, console_bot, password="not the password")
            await other.get_by_text("Неверный логин или пароль.").wait_for()
        await sign_in(other, console_bot)  # the right one, too soon
        alert = other.get_by_role("alert")
        assert re.search(r"Слишком много неудачных попыток", await alert.inner_text())
        assert "/staff/login" in other.url
        await snapshot(other, tmp_path, "staff-throttled")
